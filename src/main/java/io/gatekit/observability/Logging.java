package io.gatekit.observability;

import io.gatekit.config.LogHandler;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.gatekit.config.LogFormat;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import io.gatekit.config.LoggingConfig;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@code logging:} section to Logback. The base setup ({@link BaseLogging}) logs to stderr only: on
 * the stdio face stdout carries MCP messages and nothing else. {@link #configure} may run again with a new section (hot
 * reload): it sets the level, attaches or detaches the stderr appender, and replaces the file appender.
 *
 * <p>Concurrency: Logback's context is the process's own; configure runs at start and then on the config watcher's
 * thread only. The stderr appender BaseLogging made is kept in the context (not here) while detached, so that it can
 * be attached again.
 */
public final class Logging {
    private static final String STDERR = BaseLogging.STDERR;
    private static final String FILE = "FILE";
    /** Where the detached stderr appender waits in the context's object map. */
    private static final String DETACHED_STDERR = "io.gatekit.detachedStderrAppender";

    private Logging() {}

    public static void configure(LoggingConfig config, boolean verbose) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = verbose ? Level.DEBUG : Level.toLevel(config.level(), Level.INFO);
        context.getLogger("io.gatekit").setLevel(level);
        Appender<ILoggingEvent> stderr = root.getAppender(STDERR);
        if (config.handlers().contains(LogHandler.STDERR)) {
            if (stderr == null && context.getObject(DETACHED_STDERR) instanceof Appender<?> detached) {
                @SuppressWarnings("unchecked") // only this class puts it there, and it was root's appender
                Appender<ILoggingEvent> again = (Appender<ILoggingEvent>) detached;
                root.addAppender(again);
            }
        } else if (stderr != null) {
            context.putObject(DETACHED_STDERR, stderr);
            root.detachAppender(stderr);
        }
        Appender<ILoggingEvent> current = root.getAppender(STDERR);
        if (current instanceof OutputStreamAppender<ILoggingEvent> console) {
            boolean wantJson = config.format() == LogFormat.JSON;
            if (wantJson != console.getEncoder() instanceof JsonEncoder) {
                console.stop();
                console.setEncoder(encoder(context, config.format(), LogLine.TIME));
                console.start();
            }
        }
        Appender<ILoggingEvent> previousFile = root.getAppender(FILE);
        if (previousFile != null) {
            root.detachAppender(previousFile);
            previousFile.stop();
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

    /** {@link LogLine}s with times as {@code timePattern}, or Logback's JSON encoder: one object per line, MDC included. */
    private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogFormat format, String timePattern) {
        if (format == LogFormat.JSON) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            json.setWithFormattedMessage(true);
            json.start();
            return json;
        }
        return BaseLogging.encoder(context, timePattern);
    }

    private static RollingFileAppender<ch.qos.logback.classic.spi.ILoggingEvent> fileAppender(
            LoggerContext context, LoggingConfig config) {
        String file = config.filePath().orElseThrow().toString();
        RollingFileAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName(FILE);
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
        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        appender.setEncoder(encoder(context, config.format(), LogLine.DATE_AND_TIME));
        appender.start();
        return appender;
    }
}
