package io.gatekit.observability;

import io.gatekit.config.LogHandler;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import io.gatekit.config.LoggingConfig;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@code logging:} section to Logback. The base setup (logback.xml) logs to stderr only: on the
 * stdio face stdout carries MCP messages and nothing else.
 */
public final class Logging {
    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} [%level] %logger{20}: %msg%n";

    private Logging() {}

    public static void configure(LoggingConfig config, boolean verbose) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = verbose ? Level.DEBUG : Level.toLevel(config.level(), Level.INFO);
        context.getLogger("io.gatekit").setLevel(level);
        if (!config.handlers().contains(LogHandler.STDERR)) {
            root.detachAppender("STDERR");
        }
        if (config.handlers().contains(LogHandler.FILE) && config.filePath().isPresent()) {
            root.addAppender(fileAppender(context, config));
        }
    }

    /** The demo server logs only warnings: its stderr ends up in the gateway's log. */
    public static void configureQuiet() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger("io.gatekit").setLevel(Level.WARN);
    }

    private static RollingFileAppender<ch.qos.logback.classic.spi.ILoggingEvent> fileAppender(
            LoggerContext context, LoggingConfig config) {
        String file = config.filePath().orElseThrow().toString();
        RollingFileAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("FILE");
        appender.setFile(file);
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(file + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(Math.max(1, config.backupCount()));
        rolling.start();
        SizeBasedTriggeringPolicy<ch.qos.logback.classic.spi.ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(FileSize.valueOf(config.maxFileSizeMb() + "MB"));
        trigger.start();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
