package io.gatekit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short run of the server benchmark ({@code scripts/bench --only=servers}) as a test: both servers start, give the
 * same answer to the same request, and answer every request of the closed loop and of a burst of delayed calls; the
 * idle-connection figures are taken. No timing is asserted: the machine is shared and noisy; the numbers are for
 * scripts/bench to print. Tagged "load", so the default suite skips it; run it with
 * {@code ./mvnw test -Dtest=ServerBenchLoadTest -DexcludedGroups=}.
 */
@Tag("load")
class ServerBenchLoadTest {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shortRunAnswersEveryRequest(@TempDir Path dir) {
        StdioBench.Options options = StdioBench.Options.parse(new String[] {
                "--only=servers", "--duration=1", "--warmup=1", "--round-warmup=0.5", "--rounds=1",
                "--sleep-calls=2000", "--sleep-ms=200", "--sleep-rounds=1", "--server-idle-connections=200",
                "--workdir=" + dir}, Map.of());
        StdioBench.Report report = new StdioBench.Report();

        ServerBench.Results results = ServerBench.run(options, StdioBench.launch(options), report, System.out);

        assertThat(report.failures).isEmpty();
        for (HttpTarget.Kind kind : new HttpTarget.Kind[] {HttpTarget.Kind.JETTY, HttpTarget.Kind.HELIDON}) {
            assertThat(results.loops.get(kind)).as(kind.label).hasSize(1).allSatisfy(loop -> {
                assertThat(loop.answeredInWindow()).isPositive();
                assertThat(loop.errors()).isZero();
                assertThat(loop.failures()).isZero();
            });
            assertThat(results.bursts.get(kind)).as(kind.label).hasSize(1).allSatisfy(burst -> {
                assertThat(burst.timedOut()).isFalse();
                assertThat(burst.ok()).isEqualTo(2000);
            });
            assertThat(results.idle.get(kind).connections()).as(kind.label).isEqualTo(200);
        }
    }
}
