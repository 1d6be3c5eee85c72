package io.gatekit.observability;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's set-up before any config is read: Gatekit's own loggers at INFO, everything else at WARN, all to stderr
 * (on the stdio face, stdout carries MCP messages and nothing else); {@link Logging} then applies the
 * {@code logging:} section. Done in code, found by Logback through {@code ServiceLoader}, instead of a
 * {@code logback.xml}: reading XML made Logback the largest single cost of a cold start (an XML parser and Joran's
 * rule engine, ~600 classes, for three settings). The line is {@link LogLine}. {@code -Dlogback.configurationFile=FILE}
 * still wins: then this steps aside and Logback reads that file. (No {@code @ConfiguratorRank}: the only custom
 * configurator needs no rank, and reading the annotation costs a dynamic proxy class at start-up.)
 */
public final class BaseLogging extends ContextAwareBase implements Configurator {
    /** The name {@link Logging} finds the stderr appender by. */
    static final String STDERR = "STDERR";

    public BaseLogging() {}

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LayoutWrappingEncoder<ILoggingEvent> encoder = encoder(context, LogLine.TIME);
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName(STDERR);
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        context.getLogger("io.gatekit").setLevel(Level.INFO);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** An encoder writing {@link LogLine}s with times as {@code timePattern}; started. */
    static LayoutWrappingEncoder<ILoggingEvent> encoder(LoggerContext context, String timePattern) {
        LogLine layout = new LogLine(timePattern);
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        return encoder;
    }
}
