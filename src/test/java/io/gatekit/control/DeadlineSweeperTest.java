package io.gatekit.control;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatekit.upstream.Upstream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The sweeper is the only deadline enforcer of the fast path: a failing sweep must not end it. */
class DeadlineSweeperTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(DeadlineSweeper.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(logged);
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
        try (DeadlineSweeper sweeper = new DeadlineSweeper(upstreams, Duration.ofSeconds(60), Duration.ofSeconds(60))) {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sweeps.get() >= 6);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> events(Level.INFO).size() == 1);
        }
        List<ILoggingEvent> errors = events(Level.ERROR);
        assertThat(errors).hasSize(1);
        assertThat(errors.getFirst().getThrowableProxy().getMessage()).isEqualTo("upstream set is being swapped");
        assertThat(events(Level.INFO).getFirst().getFormattedMessage()).isEqualTo("deadline sweep recovered");
    }

    private List<ILoggingEvent> events(Level level) {
        synchronized (logged) { // the appender adds under its own lock
            return logged.list.stream().filter(e -> e.getLevel() == level).toList();
        }
    }
}
