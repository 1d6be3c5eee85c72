package io.gatekit.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The watcher hands on each valid version of the file, and stops after one that disables hot reload. */
@Timeout(60)
class ConfigWatcherTest {
    @TempDir
    Path dir;

    private static String config(String hotReload, String upstream) {
        return """
                proxy:
                  transport: stdio
                  hot_reload: %s
                  upstreams:
                    - {name: %s, command: [x]}
                """.formatted(hotReload, upstream);
    }

    @Test
    void aVersionThatDisablesHotReload_isTheLastOneApplied() throws Exception {
        Path file = dir.resolve("gatekit.yaml");
        Files.writeString(file, config("enabled", "first"));
        List<String> applied = new CopyOnWriteArrayList<>();
        try (ConfigWatcher watcher = new ConfigWatcher(file, f -> ConfigLoader.load(f, Map.of()),
                next -> applied.add(next.proxy().upstreams().getFirst().name()))) {
            Files.writeString(file, config("enabled", "second"));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> applied.contains("second"));
            Files.writeString(file, config("disabled", "third"));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> applied.contains("third"));
            Files.writeString(file, config("enabled", "fourth"));
            // Nothing may come of the last write: give the watcher ample time to (wrongly) apply it.
            Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> !applied.contains("fourth"));
        }
        assertThat(applied).contains("second").doesNotContain("first", "fourth").last().isEqualTo("third");
    }
}
