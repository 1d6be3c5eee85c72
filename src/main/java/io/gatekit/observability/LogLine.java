package io.gatekit.observability;

import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * Gatekit's log line, {@code <time> [LEVEL] abbreviated.logger: message} and the stack trace if any: what the
 * Logback pattern {@code %d{<time>} [%level] %logger{20}: %msg%n} prints, written in code. Logback's
 * {@code PatternLayout} parses its pattern and registers ~50 converters when first used, a cost every Gatekit JVM
 * paid at start-up (the demo server too, which logs nothing); this costs nothing until the first line is written.
 *
 * <p>Concurrency: Logback calls {@link #doLayout} from any logging thread; the formatter is made on first use and
 * published through a volatile field (two threads racing make two equal formatters, which is harmless).
 */
final class LogLine extends LayoutBase<ILoggingEvent> {
    /** stderr: the time of day is enough, the terminal or the client's log already has the date. */
    static final String TIME = "HH:mm:ss.SSS";
    /** A log file outlives the day. */
    static final String DATE_AND_TIME = "yyyy-MM-dd HH:mm:ss.SSS";

    private final String timePattern;
    /** Built on first use: the time zone rules load then, not at start-up. */
    private volatile @Nullable DateTimeFormatter time;
    private final TargetLengthBasedClassNameAbbreviator loggerName = new TargetLengthBasedClassNameAbbreviator(20);

    LogLine(String timePattern) {
        this.timePattern = timePattern;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128)
                .append(formatter().format(Instant.ofEpochMilli(event.getTimeStamp())))
                .append(" [").append(event.getLevel()).append("] ")
                .append(loggerName.abbreviate(event.getLoggerName())).append(": ")
                .append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown)); // ends with a line separator
        }
        return line.toString();
    }

    private DateTimeFormatter formatter() {
        DateTimeFormatter formatter = time;
        if (formatter == null) {
            formatter = DateTimeFormatter.ofPattern(timePattern).withZone(ZoneId.systemDefault());
            time = formatter;
        }
        return formatter;
    }
}
