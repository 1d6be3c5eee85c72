package io.gatekit.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Gatekit's log line is what the Logback patterns it replaces printed, character for character. */
class LogLineTest {
    private final LoggerContext context = new LoggerContext();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "HH:mm:ss.SSS|io.gatekit.upstream.UpstreamProcess|INFO|upstream {} ready|false",
        "yyyy-MM-dd HH:mm:ss.SSS|io.gatekit.routing.ToolAliases|WARN|tool {} listed as an alias|false",
        "HH:mm:ss.SSS|x|ERROR|failed: {}|true",
        "yyyy-MM-dd HH:mm:ss.SSS|org.eclipse.jetty.server.Server|DEBUG|started {}|true"})
    void matchesThePatternItReplaces(String time, String logger, String level, String message, boolean withThrowable) {
        Throwable thrown = withThrowable ? new IllegalStateException("broken", new RuntimeException("cause")) : null;
        LoggingEvent event = event(logger, Level.toLevel(level), message, thrown);

        LogLine line = new LogLine(time);
        line.setContext(context);
        line.start();
        PatternLayout pattern = new PatternLayout();
        pattern.setContext(context);
        pattern.setPattern("%d{" + time + "} [%level] %logger{20}: %msg%n");
        pattern.start();

        assertThat(line.doLayout(event)).isEqualTo(pattern.doLayout(event)).contains("demo");
    }

    private LoggingEvent event(String logger, Level level, String message, @Nullable Throwable thrown) {
        return new LoggingEvent(LogLineTest.class.getName(), context.getLogger(logger), level, message, thrown,
                new Object[] {"demo"});
    }
}
