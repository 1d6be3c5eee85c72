package io.gatekit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short run of the stdio benchmark ({@code scripts/bench}) as a test: every variant starts, every request of the
 * closed loops and of the 10,000-call burst is answered successfully. No timing is asserted: the machine is shared
 * and noisy; the numbers are for scripts/bench to print. Tagged "load", so the default suite skips it; run it with
 * {@code scripts/bench junit}.
 */
@Tag("load")
class StdioBenchLoadTest {

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shortRunAnswersEveryRequest(@TempDir Path dir) {
        StdioBench.Options options = StdioBench.Options.parse(new String[] {
                "--duration=1", "--warmup=1", "--round-warmup=0.5", "--rounds=1",
                "--sleep-calls=10000", "--sleep-ms=200", "--sleep-rounds=1",
                "--http-idle-sessions=0", "--http-rounds=0", "--http-sleep-rounds=0", // the HTTP face: scripts/bench
                "--startup-runs=0", // cold starts: scripts/bench --only=startup
                "--workdir=" + dir}, Map.of());

        StdioBench.Report report = StdioBench.run(options, System.out);

        assertThat(report.failures).isEmpty();
        assertThat(report.unansweredOrFailed()).isZero();
        for (Target.Kind kind : List.of(Target.Kind.DIRECT, Target.Kind.RELAY, Target.Kind.GATEWAY)) {
            assertThat(report.loops.get(kind)).as(kind.label).hasSize(1).allSatisfy(loop -> {
                assertThat(loop.totalSent()).isPositive();
                assertThat(loop.totalReceived()).isEqualTo(loop.totalSent());
                assertThat(loop.errors()).isZero();
                assertThat(loop.okOfWindow()).isEqualTo(loop.sentInWindow());
            });
        }
        for (Target.Kind kind : List.of(Target.Kind.DIRECT, Target.Kind.GATEWAY)) {
            assertThat(report.bursts.get(kind)).as(kind.label).hasSize(1).allSatisfy(burst -> {
                assertThat(burst.timedOut()).isFalse();
                assertThat(burst.answered()).isEqualTo(10_000);
                assertThat(burst.ok()).isEqualTo(10_000);
            });
        }
    }
}
