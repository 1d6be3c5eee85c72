package io.gatekit.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code logging:} section: the gateway's own diagnostic log (not the audit log, which is a plugin).
 *
 * @param level a Logback level name: {@code DEBUG}, {@code INFO}, {@code WARN} or {@code ERROR}
 * @param handlers {@code stderr} and/or {@code file}
 * @param filePath the log file, present whenever {@code file} is a handler
 * @param maxFileSizeMb size at which the file rolls over
 * @param backupCount rolled files kept
 * @param format text, or JSON lines ({@code format: json}; any other {@code format} is a Python pattern, ignored)
 */
public record LoggingConfig(
        String level, List<LogHandler> handlers, Optional<Path> filePath, int maxFileSizeMb, int backupCount,
        LogFormat format) {

    static final Set<String> LEVELS = Set.of("DEBUG", "INFO", "WARN", "ERROR");
    static final int DEFAULT_MAX_FILE_SIZE_MB = 10;
    static final int DEFAULT_BACKUP_COUNT = 5;

    public LoggingConfig {
        if (!LEVELS.contains(Objects.requireNonNull(level, "level"))) {
            throw new IllegalArgumentException("log level must be one of " + LEVELS + ", got " + level);
        }
        handlers = List.copyOf(handlers);
        Objects.requireNonNull(filePath, "filePath");
        if (handlers.contains(LogHandler.FILE) && filePath.isEmpty()) {
            throw new IllegalArgumentException("the file log handler needs a file path");
        }
        Objects.requireNonNull(format, "format");
        if (maxFileSizeMb < 1 || backupCount < 0) {
            throw new IllegalArgumentException("max_file_size_mb must be >= 1 and backup_count >= 0");
        }
    }

    /** INFO to stderr. */
    public static LoggingConfig defaults() {
        return new LoggingConfig("INFO", List.of(LogHandler.STDERR), Optional.empty(), DEFAULT_MAX_FILE_SIZE_MB,
                DEFAULT_BACKUP_COUNT, LogFormat.TEXT);
    }

    /**
     * Maps Python logging level names, which existing Gatekit files use, onto Logback's: WARNING becomes WARN
     * and CRITICAL becomes ERROR, since Logback has nothing above ERROR. Returns null for an unknown name.
     */
    static @Nullable String normaliseLevel(String name) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "DEBUG" -> "DEBUG";
            case "INFO" -> "INFO";
            case "WARN", "WARNING" -> "WARN";
            case "ERROR", "CRITICAL" -> "ERROR";
            default -> null;
        };
    }
}
