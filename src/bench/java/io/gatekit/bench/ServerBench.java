package io.gatekit.bench;

import static io.gatekit.bench.Stats.f;

import io.gatekit.bench.HttpLoad.Body;
import io.gatekit.bench.HttpLoad.BurstResult;
import io.gatekit.bench.HttpLoad.LoopResult;
import io.gatekit.bench.HttpTarget.Kind;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The server benchmark behind ADR 0005 ({@code scripts/bench --only=servers}): the same MCP-like endpoint
 * ({@link RpcWork}: decode a JSON-RPC request with the project's Jackson 3 codec, optionally sleep, answer as
 * application/json) on Jetty 12 core, set up as the gateway's HTTP face sets it up, and on Helidon SE 4
 * WebServer. Each server runs in its own JVM ({@link ServerMain}, same java binary and flags), both up side by side
 * for the whole run, and the client is this JVM's raw HTTP/1.1 load generator ({@link HttpLoad}) on loopback.
 *
 * <ol>
 *   <li>Sanity: both answer the same request with the same bytes.</li>
 *   <li>Idle connections (first, on fresh processes, after a warm-up of as many connections opened and closed):
 *       {@code server-idle-connections} keep-alive connections, each primed with one request, then left idle;
 *       the server's VmRSS and Java heap in use after a forced GC, before and after, per connection.</li>
 *   <li>Throughput: a closed loop of echo requests, {@code window} keep-alive connections with one request in
 *       flight each, no delay; {@code rounds} rounds of {@code duration} s per server, order rotated each round;
 *       msgs/s, p50/p99 and the server's CPU per request.</li>
 *   <li>Delayed calls: {@code sleep-calls} concurrent requests sleeping {@code sleep-ms} each, one pre-opened
 *       connection per call, released at once; wall time until the last answer as a multiple of the delay, and
 *       whether every call was answered; {@code sleep-rounds} rounds, order alternated.</li>
 * </ol>
 *
 * Results are medians over rounds with their range; ratios are helidon/jetty, medians of the per-round ratios, so
 * that machine noise in a round hits both servers alike.
 */
final class ServerBench {
    private static final List<Kind> KINDS = List.of(Kind.JETTY, Kind.HELIDON);
    private static final int CONNECT_PARALLEL = 16;

    private ServerBench() {}

    /** What was measured, per server. */
    static final class Results {
        final Map<Kind, List<LoopResult>> loops = new EnumMap<>(Kind.class);
        final Map<Kind, List<BurstResult>> bursts = new EnumMap<>(Kind.class);
        final Map<Kind, IdleCost> idle = new EnumMap<>(Kind.class);
    }

    /** Growth of the server process per idle keep-alive connection, after a forced GC. */
    record IdleCost(int connections, double rssBytesPerConnection, double heapBytesPerConnection) {}

    static Results run(StdioBench.Options o, Target.Launch launch, StdioBench.Report report, PrintStream out) {
        Results results = new Results();
        out.println();
        out.println(f("== HTTP servers: Jetty %s (core handler, virtual threads, HttpFace's set-up) vs Helidon SE %s "
                + "WebServer, the same endpoint on each, each in its own JVM", org.eclipse.jetty.util.Jetty.VERSION,
                io.helidon.common.Version.VERSION));
        Map<Kind, HttpTarget> targets = new EnumMap<>(Kind.class);
        try {
            for (Kind kind : KINDS) {
                targets.put(kind, HttpTarget.startServer(kind, launch, o.workDir()));
            }
            for (Kind kind : KINDS) {
                out.println(f("  %-8s on %s (pid %d)", kind.label, targets.get(kind).endpoint, targets.get(kind).front().pid()));
            }
            sameAnswers(targets, report, out);
            if (o.serverIdleConnections() > 0) {
                idle(o, targets, results, report, out);
            }
            if (o.rounds() > 0) {
                throughput(o, targets, results, report, out);
            }
            if (o.sleepRounds() > 0) {
                delayed(o, targets, results, report, out);
            }
            summary(o, results, out);
        } catch (RuntimeException e) {
            report.failures.add("server benchmark: " + e.getMessage());
            out.println("  server benchmark aborted: " + e);
            targets.values().forEach(t -> out.println("  --- " + t.kind.label + " stderr tail:\n" + t.stderrTail()));
        } finally {
            targets.values().forEach(HttpTarget::close);
        }
        return results;
    }

    private static Body echo(int payloadBytes) {
        return Body.of("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"message\":\"" + "x".repeat(Math.max(0, payloadBytes)) + "\"}}}");
    }

    private static Body sleep(int ms) {
        return Body.of("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"tools/call\",\"params\":{\"name\":\"sleep\","
                + "\"arguments\":{\"ms\":" + ms + "}}}");
    }

    /** CPU counters: [this JVM (the client), the server process]. */
    private static LongSupplier[] cpu(HttpTarget t) {
        ProcessHandle self = ProcessHandle.current();
        ProcessHandle server = t.front();
        return new LongSupplier[] {() -> Target.cpuNanos(self), () -> Target.cpuNanos(server)};
    }

    // ---- 0. the same answer from both ----------------------------------------------------------------------------

    private static void sameAnswers(Map<Kind, HttpTarget> targets, StdioBench.Report report, PrintStream out) {
        Body body = echo(16);
        List<String> answers = new ArrayList<>();
        for (Kind kind : KINDS) {
            HttpTarget t = targets.get(kind);
            try (HttpConn conn = new HttpConn(t.endpoint, 10_000)) {
                conn.post(t.endpoint.head(null), body.prefix(), 7, body.suffix());
                answers.add(conn.status + " " + conn.bodyText());
            } catch (IOException e) {
                answers.add(e.toString());
            }
        }
        boolean same = answers.stream().distinct().count() == 1 && answers.getFirst().startsWith("200 ");
        out.println("  sanity: " + (same ? "both answer " + answers.getFirst() : "answers differ: " + answers));
        if (!same) {
            report.failures.add("servers answer the same request differently: " + answers);
        }
    }

    // ---- 1. idle connections -------------------------------------------------------------------------------------

    private static void idle(StdioBench.Options o, Map<Kind, HttpTarget> targets, Results results,
            StdioBench.Report report, PrintStream out) {
        int n = o.serverIdleConnections();
        long timeout = TimeUnit.SECONDS.toNanos(120);
        out.println();
        out.println(f("-- Idle connections: %d keep-alive connections, each primed with one request, then idle; the server's "
                + "VmRSS and Java heap in use after a forced GC (jcmd GC.run), before and after; as many connections "
                + "opened and closed first as warm-up", n));
        for (Kind kind : KINDS) {
            HttpTarget t = targets.get(kind);
            AtomicInteger failures = new AtomicInteger();
            HttpLoad.openIdle(t.endpoint, n, CONNECT_PARALLEL, timeout, failures).forEach(HttpConn::close);
            HttpLoad.sleepMillis(500); // let the server see the warm-up connections close
            long rssBefore = HttpBench.settledRss(t);
            long heapBefore = t.heapUsedBytes();
            long start = System.nanoTime();
            List<HttpConn> open = HttpLoad.openIdle(t.endpoint, n, CONNECT_PARALLEL, timeout, failures);
            double seconds = (System.nanoTime() - start) / 1e9;
            long rssAfter = HttpBench.settledRss(t);
            long heapAfter = t.heapUsedBytes();
            open.forEach(HttpConn::close);
            int count = Math.max(1, open.size());
            IdleCost cost = new IdleCost(open.size(), (double) (rssAfter - rssBefore) / count,
                    (double) (heapAfter - heapBefore) / count);
            results.idle.put(kind, cost);
            out.println(f("  %-8s %d/%d opened in %.1f s; VmRSS %.1f -> %.1f MB: %.1f KB per connection; "
                    + "heap in use %.1f -> %.1f MB: %.1f KB per connection", kind.label, open.size(), n, seconds,
                    rssBefore / 1e6, rssAfter / 1e6, cost.rssBytesPerConnection() / 1e3, heapBefore / 1e6,
                    heapAfter / 1e6, cost.heapBytesPerConnection() / 1e3));
            if (failures.get() > 0 || open.size() < n) {
                report.failures.add(f("%s: %d of %d idle connections failed to open", kind.label, n - open.size(), n));
            }
            HttpLoad.sleepMillis(500);
        }
    }

    // ---- 2. throughput -------------------------------------------------------------------------------------------

    private static LoopResult loop(StdioBench.Options o, HttpTarget t, double warmSeconds, double seconds) {
        // One request in flight per keep-alive connection (HTTP/1.1, no pipelining): window connections.
        List<String> noSessions = Collections.nCopies(o.window(), null);
        return HttpLoad.closedLoop(t.endpoint, noSessions, 1, echo(o.payloadBytes()), (long) (warmSeconds * 1e9),
                (long) (seconds * 1e9), TimeUnit.SECONDS.toNanos(30), 50_000_000L, cpu(t));
    }

    private static void throughput(StdioBench.Options o, Map<Kind, HttpTarget> targets, Results results,
            StdioBench.Report report, PrintStream out) {
        out.println();
        out.println(f("-- Throughput: echo (%d-byte message), closed loop, %d keep-alive connections x 1 in flight, no delay; "
                + "%d rounds x %.1f s per server (after %.1f s lead-in), order rotated; warm-up %.1f s per server first",
                o.payloadBytes(), o.window(), o.rounds(), o.durationSeconds(), o.roundWarmupSeconds(), o.warmupSeconds()));
        for (Kind kind : KINDS) {
            LoopResult warm = loop(o, targets.get(kind), 0, o.warmupSeconds());
            out.println(f("  warm-up %-8s %8.0f msgs/s", kind.label, warm.throughput()));
            HttpBench.checkLoop(report, kind.label + " warm-up", warm);
        }
        for (int round = 0; round < o.rounds(); round++) {
            for (int i = 0; i < KINDS.size(); i++) {
                Kind kind = KINDS.get((i + round) % KINDS.size());
                LoopResult r = loop(o, targets.get(kind), o.roundWarmupSeconds(), o.durationSeconds());
                results.loops.computeIfAbsent(kind, k -> new ArrayList<>()).add(r);
                HttpBench.checkLoop(report, kind.label + " round " + (round + 1), r);
                double[] cpu = r.cpuPerMessage();
                out.println(f("  round %d  %-8s %8.0f msgs/s   p50 %6.2f ms   p99 %6.2f ms   max %7.2f ms   cpu us/msg: "
                        + "client %5.1f  server %5.1f", round + 1, kind.label, r.throughput(), r.percentileMillis(50),
                        r.percentileMillis(99), r.percentileMillis(100), cpu[0], cpu[1]));
            }
        }
    }

    // ---- 3. delayed calls ----------------------------------------------------------------------------------------

    private static void delayed(StdioBench.Options o, Map<Kind, HttpTarget> targets, Results results,
            StdioBench.Report report, PrintStream out) {
        long timeout = TimeUnit.SECONDS.toNanos(o.httpSleepTimeout());
        List<String> noSession = Collections.singletonList(null);
        int warmCalls = Math.min(1000, o.sleepCalls());
        out.println();
        out.println(f("-- Delayed calls: %d concurrent requests sleeping %d ms each, one pre-opened keep-alive connection per "
                + "call (primed with a ping), released at once; wall time from release to the last answer (timeout %d s); "
                + "%d rounds, order alternated; one unmeasured burst of %d x 100 ms per server first", o.sleepCalls(),
                o.sleepMs(), o.httpSleepTimeout(), o.sleepRounds(), warmCalls));
        for (Kind kind : KINDS) {
            HttpTarget t = targets.get(kind);
            BurstResult warm = HttpLoad.burst(t.endpoint, noSession, warmCalls, sleep(100), CONNECT_PARALLEL, timeout, cpu(t));
            out.println(f("  warm-up %-8s %d/%d ok in %.3f s", kind.label, warm.ok(), warm.requests(), warm.wallNanos() / 1e9));
            HttpBench.checkBurst(report, kind.label + " delayed warm-up", warm);
            HttpLoad.sleepMillis(500);
        }
        for (int round = 0; round < o.sleepRounds(); round++) {
            for (int i = 0; i < KINDS.size(); i++) {
                Kind kind = KINDS.get((i + round) % KINDS.size());
                HttpTarget t = targets.get(kind);
                BurstResult b = HttpLoad.burst(t.endpoint, noSession, o.sleepCalls(), sleep(o.sleepMs()), CONNECT_PARALLEL,
                        timeout, cpu(t));
                results.bursts.computeIfAbsent(kind, k -> new ArrayList<>()).add(b);
                HttpBench.checkBurst(report, kind.label + " delayed round " + (round + 1), b);
                out.println(f("  round %d  %-8s %5d/%d answered, %5d ok, wall %.3f s = %.3fx the delay (answers: p50 %.3f s, "
                        + "p99 %.3f s; cpu s: client %.2f, server %.2f; connections opened and primed in %.1f s)%s",
                        round + 1, kind.label, b.answered(), b.requests(), b.ok(), b.wallNanos() / 1e9,
                        b.wallNanos() / 1e6 / o.sleepMs(), b.p50Nanos() / 1e9, b.p99Nanos() / 1e9, b.cpuNanos()[0] / 1e9,
                        b.cpuNanos()[1] / 1e9, b.connectNanos() / 1e9, b.timedOut() ? "  (TIMED OUT)" : ""));
                HttpLoad.sleepMillis(1000); // let the closed connections drain
            }
        }
    }

    // ---- summary -------------------------------------------------------------------------------------------------

    private static void summary(StdioBench.Options o, Results r, PrintStream out) {
        out.println();
        out.println(f("  %-40s %-26s %-26s %s", "servers: median (min-max) over rounds", "jetty", "helidon",
                "helidon/jetty (median of per-round ratios; rounds)"));
        if (r.loops.size() == KINDS.size()) {
            loopRow(out, r, "throughput, msgs/s", LoopResult::throughput, "%.0f");
            loopRow(out, r, "p50 latency, ms", l -> l.percentileMillis(50), "%.2f");
            loopRow(out, r, "p99 latency, ms", l -> l.percentileMillis(99), "%.2f");
            loopRow(out, r, "server CPU per request, us", l -> l.cpuPerMessage()[1], "%.1f");
            loopRow(out, r, "client CPU per request, us", l -> l.cpuPerMessage()[0], "%.1f");
        }
        if (r.bursts.size() == KINDS.size()) {
            ToDoubleFunction<BurstResult> wall = b -> b.wallNanos() / 1e6 / o.sleepMs();
            double[] ratios = Stats.ratios(r.bursts.get(Kind.HELIDON), r.bursts.get(Kind.JETTY), wall);
            row(out, f("%d x sleep %d ms: wall, x the delay", o.sleepCalls(), o.sleepMs()),
                    Stats.spread(values(r.bursts.get(Kind.JETTY), wall), "%.3f"),
                    Stats.spread(values(r.bursts.get(Kind.HELIDON), wall), "%.3f"),
                    f("%.3f; %s", Stats.median(ratios), Stats.list(ratios, "%.3f")));
            row(out, "  all answered (worst round)", worstOk(r, Kind.JETTY), worstOk(r, Kind.HELIDON), "");
        }
        if (r.idle.size() == KINDS.size()) {
            IdleCost jetty = r.idle.get(Kind.JETTY);
            IdleCost helidon = r.idle.get(Kind.HELIDON);
            row(out, f("idle connection, VmRSS KB (%d conns)", jetty.connections()), f("%.1f", jetty.rssBytesPerConnection() / 1e3),
                    f("%.1f", helidon.rssBytesPerConnection() / 1e3),
                    f("%.2f", helidon.rssBytesPerConnection() / jetty.rssBytesPerConnection()));
            row(out, "idle connection, Java heap KB", f("%.1f", jetty.heapBytesPerConnection() / 1e3),
                    f("%.1f", helidon.heapBytesPerConnection() / 1e3),
                    f("%.2f", helidon.heapBytesPerConnection() / jetty.heapBytesPerConnection()));
        }
    }

    private static void loopRow(PrintStream out, Results r, String name, ToDoubleFunction<LoopResult> metric, String format) {
        double[] ratios = Stats.ratios(r.loops.get(Kind.HELIDON), r.loops.get(Kind.JETTY), metric);
        row(out, name, Stats.spread(values(r.loops.get(Kind.JETTY), metric), format),
                Stats.spread(values(r.loops.get(Kind.HELIDON), metric), format),
                f("%.3f; %s", Stats.median(ratios), Stats.list(ratios, "%.3f")));
    }

    private static void row(PrintStream out, String name, String jetty, String helidon, String ratio) {
        out.println(f("  %-40s %-26s %-26s %s", name, jetty, helidon, ratio));
    }

    private static <T> double[] values(List<T> results, ToDoubleFunction<T> metric) {
        return results.stream().mapToDouble(metric).toArray();
    }

    private static String worstOk(Results r, Kind kind) {
        List<BurstResult> bursts = r.bursts.get(kind);
        int worst = bursts.stream().mapToInt(BurstResult::ok).min().orElse(0);
        return f("%d/%d%s", worst, bursts.getFirst().requests(), bursts.stream().anyMatch(BurstResult::timedOut) ? " TIMED OUT" : "");
    }
}
