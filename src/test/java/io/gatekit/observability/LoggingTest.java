package io.gatekit.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.gatekit.config.LogHandler;
import io.gatekit.config.LoggingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The logging section applied again, as a hot reload does: level and handlers follow the newest section. */
class LoggingTest {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @TempDir
    Path dir;

    @AfterEach
    void backToTheDefaults() {
        Logging.configure(LoggingConfig.defaults(), false);
    }

    @Test
    void reconfiguring_switchesHandlersAndLevel_andGivesStderrBack() throws Exception {
        Path file = dir.resolve("gatekit.log");
        Logging.configure(new LoggingConfig("DEBUG", List.of(LogHandler.FILE), Optional.of(file), 1, 1, io.gatekit.config.LogFormat.TEXT), false);
        assertThat(root.getAppender("STDERR")).isNull();
        assertThat(root.getAppender("FILE")).isNotNull();
        assertThat(context.getLogger("io.gatekit").getLevel()).isEqualTo(Level.DEBUG);
        LoggerFactory.getLogger("io.gatekit.test").debug("to the file only");
        Awaitility.await().until(() -> Files.exists(file) && Files.readString(file).contains("to the file only"));

        Logging.configure(new LoggingConfig("WARN", List.of(LogHandler.STDERR), Optional.empty(), 1, 1, io.gatekit.config.LogFormat.TEXT), false);
        assertThat(root.getAppender("STDERR")).isNotNull();
        assertThat(root.getAppender("FILE")).isNull();
        assertThat(context.getLogger("io.gatekit").getLevel()).isEqualTo(Level.WARN);
        LoggerFactory.getLogger("io.gatekit.test").warn("not to the file any more");
        assertThat(Files.readString(file)).doesNotContain("not to the file any more");
    }

    @Test
    void jsonFormat_writesOneObjectPerLine_withTheMdc() throws Exception {
        Path file = dir.resolve("gatekit.json.log");
        Logging.configure(new LoggingConfig("INFO", List.of(LogHandler.FILE), Optional.of(file), 1, 1,
                io.gatekit.config.LogFormat.JSON), false);
        org.slf4j.MDC.put("session", "stdio-1");
        try {
            LoggerFactory.getLogger("io.gatekit.test").info("structured {}", 42);
        } finally {
            org.slf4j.MDC.remove("session");
        }
        Awaitility.await().until(() -> Files.exists(file) && Files.readString(file).contains("structured 42"));
        String line = Files.readAllLines(file).stream().filter(l -> l.contains("structured 42")).findFirst().orElseThrow();
        var event = tools.jackson.databind.json.JsonMapper.shared().readTree(line);
        assertThat(event.path("level").asString()).isEqualTo("INFO");
        assertThat(event.path("formattedMessage").asString()).isEqualTo("structured 42");
        assertThat(event.path("mdc").path("session").asString()).isEqualTo("stdio-1");
    }
}
