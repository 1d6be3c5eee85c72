package io.gatekit.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What one logger logs from now until {@link #close}, for a test to read from any thread. */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String name) {
        this.logger = (Logger) LoggerFactory.getLogger(name);
        appender.start();
        logger.addAppender(appender);
    }

    public static LogCapture of(Class<?> source) {
        return new LogCapture(source.getName());
    }

    /** By name, for a logger of a class the test cannot see. */
    public static LogCapture of(String name) {
        return new LogCapture(name);
    }

    public List<ILoggingEvent> events(Level level) {
        synchronized (appender) { // the appender adds under its own lock
            return appender.list.stream().filter(e -> e.getLevel() == level).toList();
        }
    }

    public List<String> messages(Level level) {
        return events(level).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
