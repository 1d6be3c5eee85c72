package io.gatekit.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resolves paths written in a config file. Relative paths are relative to the file's own directory, not to
 * wherever the gateway happens to be started, so a config means the same thing from any shell (Python Gatekit
 * ADR-012); {@code ~} is the user's home because MCP client configs are full of it.
 */
public final class ConfigPaths {

    private final Path baseDir;

    ConfigPaths(Path baseDir) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
    }

    Path baseDir() {
        return baseDir;
    }

    /** @throws InvalidPathException when the text cannot be a path on this platform */
    Path resolve(String written) {
        return resolve(baseDir, written);
    }

    /**
     * {@code written} as a config file means it: {@code ~} and {@code ~/...} in the user's home, anything else
     * relative to {@code baseDir} (the file's directory). For code outside this package that resolves paths from a
     * config (plugins' files).
     *
     * @throws InvalidPathException when the text cannot be a path on this platform
     */
    public static Path resolve(Path baseDir, String written) {
        Path path;
        if (written.equals("~")) {
            path = home();
        } else if (written.startsWith("~/") || written.startsWith("~\\")) {
            path = home().resolve(written.substring(2));
        } else {
            path = Path.of(written);
        }
        return baseDir.toAbsolutePath().resolve(path).normalize();
    }

    /** {@link #resolve(String)}, reporting text that is not a path instead of throwing. */
    Optional<Path> resolve(String written, FieldPath at, Problems problems) {
        try {
            return Optional.of(resolve(written));
        } catch (InvalidPathException e) {
            problems.at(at, "'" + written + "' is not a valid path: " + e.getReason());
            return Optional.empty();
        }
    }

    private static Path home() {
        return Path.of(System.getProperty("user.home"));
    }
}
