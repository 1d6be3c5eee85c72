package io.gatekit.bench;

import static io.gatekit.bench.Stats.f;

import io.gatekit.bench.HttpLoad.Body;
import io.gatekit.bench.HttpLoad.LoopResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fair admission under a greedy client (ADR 0018), for the published benchmark: an upstream limited to 8 requests in
 * flight, four light HTTP sessions with one echo each in flight, measured alone and then while one greedy session
 * keeps 128 slow calls (20 ms) in flight against the same upstream. The light sessions' p99 with the greedy one
 * beside them, as a multiple of their p99 alone (target: within 2x), and the greedy session's throughput.
 */
final class Fairness {
    private static final int UPSTREAM_SLOTS = 8;

    private Fairness() {}

    record Outcome(double aloneP50, double aloneP99, double busyP50, double busyP99, double greedyPerSecond,
            long lightErrors, long greedyErrors) {
        double p99Ratio() {
            return busyP99 / aloneP99;
        }
    }

    static Outcome run(Target.Launch launch, Path workDir, double seconds, PrintStream out) {
        out.println();
        out.println(f("== Fairness: upstream max_in_flight %d; 4 light sessions x 1 echo in flight, alone, then beside one greedy "
                + "session with 128 sleep(20 ms) calls in flight; %.0f s each", UPSTREAM_SLOTS, seconds));
        String yaml = """
                proxy:
                  transport: http
                  http: {host: 127.0.0.1, port: 0, path: /mcp, max_sessions: 100, session_idle_timeout: 3600}
                  upstreams:
                    - name: demo
                      command: %s
                      max_in_flight: %d
                  limits:
                    max_in_flight_per_client: 1000
                    max_queued_per_upstream: 10000
                  timeouts: {request_timeout: 120, connection_timeout: 60}
                logging: {level: WARN, handlers: ["stderr"]}
                """.formatted(Target.yamlList(launch.demoServer()), UPSTREAM_SLOTS);
        try (HttpTarget gateway = HttpTarget.startGatekit(launch, workDir, yaml)) {
            AtomicInteger failures = new AtomicInteger();
            long open = TimeUnit.SECONDS.toNanos(60);
            List<String> light = HttpLoad.openSessions(gateway.endpoint, 4, 4, open, failures);
            List<String> greedy = HttpLoad.openSessions(gateway.endpoint, 1, 1, open, failures);
            Body echo = Body.of("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"tools/call\",\"params\":{\"name\":\"demo__echo\","
                    + "\"arguments\":{\"message\":\"light\"}}}");
            Body slow = Body.of("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"tools/call\",\"params\":{\"name\":\"demo__sleep\","
                    + "\"arguments\":{\"ms\":20}}}");
            long measure = (long) (seconds * 1e9);
            long warm = TimeUnit.SECONDS.toNanos(2);
            LoopResult alone = lightLoop(gateway, light, echo, warm, measure);
            AtomicReference<LoopResult> greedyResult = new AtomicReference<>();
            Thread hog = Thread.ofVirtual().start(() -> greedyResult.set(HttpLoad.closedLoop(gateway.endpoint, greedy, 128, slow,
                    warm, measure + warm, TimeUnit.SECONDS.toNanos(60), Long.MAX_VALUE, new java.util.function.LongSupplier[0])));
            LoopResult busy = lightLoop(gateway, light, echo, warm, measure);
            HttpLoad.joinAll(List.of(hog), System.nanoTime() + TimeUnit.SECONDS.toNanos(120));
            LoopResult hogged = greedyResult.get();
            Outcome outcome = new Outcome(alone.percentileMillis(50), alone.percentileMillis(99), busy.percentileMillis(50),
                    busy.percentileMillis(99), hogged == null ? Double.NaN : hogged.throughput(),
                    alone.errors() + alone.failures() + busy.errors() + busy.failures(),
                    hogged == null ? -1 : hogged.errors() + hogged.failures());
            out.println(f("  light alone:        p50 %.2f ms, p99 %.2f ms", outcome.aloneP50(), outcome.aloneP99()));
            out.println(f("  light beside greedy: p50 %.2f ms, p99 %.2f ms (%.2fx alone); greedy %.0f calls/s; errors light %d, greedy %d",
                    outcome.busyP50(), outcome.busyP99(), outcome.p99Ratio(), outcome.greedyPerSecond(), outcome.lightErrors(),
                    outcome.greedyErrors()));
            return outcome;
        }
    }

    private static LoopResult lightLoop(HttpTarget gateway, List<String> light, Body echo, long warm, long measure) {
        return HttpLoad.closedLoop(gateway.endpoint, light, 1, echo, warm, measure, TimeUnit.SECONDS.toNanos(60),
                Long.MAX_VALUE, new java.util.function.LongSupplier[0]);
    }
}
