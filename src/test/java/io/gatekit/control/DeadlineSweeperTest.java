package io.gatekit.control;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.gatekit.config.LimitsConfig;
import io.gatekit.testing.LogCapture;
import io.gatekit.upstream.Upstream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sweeper is the only deadline enforcer of the fast path: a failing sweep must not end it. */
class DeadlineSweeperTest {
    private final LogCapture log = LogCapture.of(DeadlineSweeper.class);

    @AfterEach
    void releaseLog() {
        log.close();
    }

    @Test
    void aSweepThatThrowsIsLoggedOnceAndTheSweeperGoesOn() {
        AtomicInteger sweeps = new AtomicInteger();
        // Three failing sweeps, then healthy ones: before the fix the first exception ended the thread silently.
        java.util.function.Supplier<Collection<Upstream>> upstreams = () -> {
            if (sweeps.incrementAndGet() <= 3) {
                throw new IllegalStateException("upstream set is being swapped");
            }
            return List.of();
        };
        try (DeadlineSweeper sweeper = new DeadlineSweeper(upstreams,
                new AdmissionController(LimitsConfig.defaults()), Duration.ofSeconds(60), Duration.ofSeconds(60))) {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sweeps.get() >= 6);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> log.events(Level.INFO).size() == 1);
        }
        List<ILoggingEvent> errors = log.events(Level.ERROR);
        assertThat(errors).hasSize(1);
        assertThat(errors.getFirst().getThrowableProxy().getMessage()).isEqualTo("upstream set is being swapped");
        assertThat(log.events(Level.INFO).getFirst().getFormattedMessage()).isEqualTo("deadline sweep recovered");
    }
}
