package io.gatekit.bench;

import static io.gatekit.bench.Stats.f;

import io.gatekit.bench.HttpLoad.Body;
import io.gatekit.bench.HttpLoad.BurstResult;
import io.gatekit.bench.HttpLoad.LoopResult;
import io.gatekit.bench.HttpTarget.Kind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The HTTP part of {@code scripts/bench} ({@code --only=http}): Gatekit's Streamable HTTP face against the npm
 * mcp-proxy, both fronting the demo server, measured side by side in one run.
 *
 * <ol>
 *   <li>Idle session memory (first, on fresh processes): after a warm-up of a few sessions and a forced GC, open
 *       {@code http-idle-sessions} sessions (initialize + notifications/initialized, then nothing), force a GC
 *       again, and divide the front process's VmRSS growth by the count.</li>
 *   <li>Throughput: a closed loop of {@code tools/call echo}, {@code http-sessions} sessions x
 *       {@code http-per-session} connections each with one request in flight; rounds interleaved, order rotated;
 *       medians and medians of per-round ratios.</li>
 *   <li>Delayed calls: {@code http-sleep-calls} concurrent {@code tools/call sleep ms=sleep-ms} over
 *       {@code http-sleep-sessions} sessions, one pre-opened connection per call, released at once; wall time
 *       until the last answer as a multiple of the delay.</li>
 * </ol>
 */
final class HttpBench {

    private HttpBench() {}

    /** What was measured, per kind. */
    static final class Results {
        final Map<Kind, List<LoopResult>> loops = new EnumMap<>(Kind.class);
        final Map<Kind, List<BurstResult>> bursts = new EnumMap<>(Kind.class);
        final Map<Kind, Double> mbPerSession = new EnumMap<>(Kind.class);
    }

    static void run(StdioBench.Options o, Target.Launch launch, StdioBench.Report report, PrintStream out) {
        run(o, launch, report, out, false);
    }

    /**
     * The HTTP benchmark; with {@code withSupergateway}, supergateway (stateful: a demo server per session) joins the
     * throughput rounds only, since idle sessions and delayed calls by the thousand would each start a JVM there.
     * What was measured, or null when nothing was.
     */
    static @org.jspecify.annotations.Nullable Results run(StdioBench.Options o, Target.Launch launch, StdioBench.Report report,
            PrintStream out, boolean withSupergateway) {
        if (o.httpIdleSessions() <= 0 && o.httpRounds() <= 0 && o.httpSleepRounds() <= 0) {
            return null;
        }
        Path script = Path.of(o.mcpProxy()).toAbsolutePath();
        out.println();
        out.println("== HTTP face: gatekit (proxy.transport: http) vs mcp-proxy (" + script + "), both fronting the demo server");
        if (!Files.isRegularFile(script)) {
            String why = "mcp-proxy not found at " + script + " (scripts/install-peers.sh installs it)";
            if (o.only().equals("http")) {
                report.failures.add(why);
            }
            out.println("  skipped: " + why);
            return null;
        }
        Results results = new Results();
        Map<Kind, HttpTarget> targets = new EnumMap<>(Kind.class);
        try {
            int maxInFlight = Math.max(o.maxInFlight(), o.httpSleepCalls() * 2);
            targets.put(Kind.GATEKIT, HttpTarget.startGatekit(launch, o.workDir(), maxInFlight));
            if (!o.classpathB().isBlank()) {
                targets.put(Kind.GATEKIT_B, HttpTarget.startGatekit(Kind.GATEKIT_B, launch.forGatewayB(), o.workDir(),
                        HttpTarget.gatekitConfig(launch.forGatewayB(), maxInFlight)));
            }
            targets.put(Kind.MCP_PROXY, HttpTarget.startMcpProxy(launch, o.workDir(), o.node(), script));
            Path supergateway = script.resolveSibling("../../../supergateway/dist/index.js").normalize();
            if (withSupergateway && Files.isRegularFile(supergateway)) {
                targets.put(Kind.SUPERGATEWAY, HttpTarget.startSupergateway(launch, o.workDir(), o.node(), supergateway));
            }
            out.println(f("  gatekit on %s (pid %d), mcp-proxy on %s (node pid %d); logs in %s",
                    targets.get(Kind.GATEKIT).endpoint, targets.get(Kind.GATEKIT).front().pid(),
                    targets.get(Kind.MCP_PROXY).endpoint, targets.get(Kind.MCP_PROXY).front().pid(), o.workDir()));
            if (o.httpIdleSessions() > 0) {
                idle(o, targets, results, report, out);
            }
            if (o.httpRounds() > 0) {
                throughput(o, targets, results, report, out);
            }
            if (o.httpSleepRounds() > 0) {
                delayed(o, targets, results, report, out);
            }
            summary(o, results, report, out);
            return results;
        } catch (RuntimeException e) {
            report.failures.add("http benchmark: " + e.getMessage());
            out.println("  HTTP benchmark aborted: " + e);
            targets.values().forEach(t -> out.println("  --- " + t.kind.label + " stderr tail:\n" + t.stderrTail()));
            return results;
        } finally {
            targets.values().forEach(HttpTarget::close);
        }
    }

    // ---- 1. idle session memory ----------------------------------------------------------------------------------

    private static void idle(StdioBench.Options o, Map<Kind, HttpTarget> targets, Results results,
            StdioBench.Report report, PrintStream out) {
        int n = o.httpIdleSessions();
        out.println();
        out.println(f("-- Idle sessions: %d x (initialize + notifications/initialized), then nothing; VmRSS of the front process "
                + "after a forced GC (gatekit: jcmd GC.run; node: gc() via --expose-gc on SIGUSR2), before and after; "
                + "as many sessions opened first as warm-up (they stay open too)", n));
        for (HttpTarget t : targets.values()) {
            if (t.kind == Kind.SUPERGATEWAY) {
                continue; // a demo server per session: a thousand JVMs
            }
            AtomicInteger failures = new AtomicInteger();
            // Warm-up: as many sessions as measured, so code, JIT and the allocator's working set (pages of the Java
            // heap or the V8 heap touched while opening sessions) are in place before the baseline.
            HttpLoad.openSessions(t.endpoint, n, 8, TimeUnit.SECONDS.toNanos(120), failures);
            boolean histogram = t.kind == Kind.GATEKIT && "1".equals(System.getenv("BENCH_HTTP_HISTOGRAM"));
            long before = settledRss(t);
            long heapBefore = t.heapUsedBytes();
            String histogramBefore = histogram ? t.jcmdOutput("GC.class_histogram") : "";
            long start = System.nanoTime();
            List<String> opened = HttpLoad.openSessions(t.endpoint, n, 8, TimeUnit.SECONDS.toNanos(120), failures);
            double seconds = (System.nanoTime() - start) / 1e9;
            long after = settledRss(t);
            long heapAfter = t.heapUsedBytes();
            double mb = (after - before) / 1e6 / Math.max(1, opened.size());
            results.mbPerSession.put(t.kind, mb);
            out.println(f("  %-9s %d/%d opened in %.1f s (%.0f/s); VmRSS %.1f MB -> %.1f MB: %.3f MB per idle session%s",
                    t.kind.label, opened.size(), n, seconds, opened.size() / seconds, before / 1e6, after / 1e6, mb,
                    heapBefore < 0 ? "" : f("  (Java heap in use after GC: %.1f MB -> %.1f MB: %.1f KB per session)",
                            heapBefore / 1e6, heapAfter / 1e6, (heapAfter - heapBefore) / 1e3 / Math.max(1, opened.size()))));
            if (histogram) {
                printHistogramDelta(out, histogramBefore, t.jcmdOutput("GC.class_histogram"), opened.size());
            }
            if (failures.get() > 0 || opened.size() < n) {
                report.failures.add(f("%s: %d of %d idle sessions failed to open", t.kind.label, n - opened.size(), n));
            }
        }
    }

    /** The classes whose live bytes grew most between two jcmd GC.class_histogram outputs (BENCH_HTTP_HISTOGRAM=1). */
    private static void printHistogramDelta(PrintStream out, String before, String after, int sessions) {
        Map<String, long[]> delta = new LinkedHashMap<>();
        java.util.regex.Pattern row = java.util.regex.Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
        for (int sign : new int[] {-1, 1}) {
            for (String line : (sign < 0 ? before : after).split("\n")) {
                java.util.regex.Matcher m = row.matcher(line);
                if (m.find()) {
                    long[] d = delta.computeIfAbsent(m.group(3), k -> new long[2]);
                    d[0] += sign * Long.parseLong(m.group(1));
                    d[1] += sign * Long.parseLong(m.group(2));
                }
            }
        }
        out.println("    gatekit heap growth by class (instances and bytes per session):");
        delta.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(20)
                .forEach(e -> out.println(f("      %8.1f  %9.0f B  %s", (double) e.getValue()[0] / sessions,
                        (double) e.getValue()[1] / sessions, e.getKey())));
    }

    /** Forces a GC twice with a pause, then reads VmRSS. */
    static long settledRss(HttpTarget t) {
        t.forceGc();
        HttpLoad.sleepMillis(500);
        t.forceGc();
        HttpLoad.sleepMillis(1000);
        return t.rssBytes();
    }

    // ---- 2. throughput -------------------------------------------------------------------------------------------

    private static Body echo(Kind kind, int payloadBytes) {
        return Body.of("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"tools/call\",\"params\":{\"name\":\"" + kind.echoTool
                + "\",\"arguments\":{\"message\":\"" + "x".repeat(Math.max(0, payloadBytes)) + "\"}}}");
    }

    private static Body sleep(Kind kind, int ms) {
        return Body.of("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"tools/call\",\"params\":{\"name\":\"" + kind.sleepTool
                + "\",\"arguments\":{\"ms\":" + ms + "}}}");
    }

    private static LongSupplier[] cpu(HttpTarget t) {
        ProcessHandle self = ProcessHandle.current();
        ProcessHandle front = t.front();
        ProcessHandle demo = t.demo();
        return new LongSupplier[] {() -> Target.cpuNanos(self), () -> Target.cpuNanos(front), () -> Target.cpuNanos(demo)};
    }

    static LoopResult loop(StdioBench.Options o, HttpTarget t, List<String> sessions, double warmSeconds, double seconds) {
        return HttpLoad.closedLoop(t.endpoint, sessions, o.httpPerSession(), echo(t.kind, o.payloadBytes()),
                (long) (warmSeconds * 1e9), (long) (seconds * 1e9), TimeUnit.SECONDS.toNanos(30), 50_000_000L, cpu(t));
    }

    static List<String> sessions(HttpTarget t, int count, StdioBench.Report report) {
        AtomicInteger failures = new AtomicInteger();
        List<String> sessions = HttpLoad.openSessions(t.endpoint, count, Math.min(count, 16), TimeUnit.SECONDS.toNanos(60), failures);
        if (sessions.size() < count) {
            throw new IllegalStateException(t.kind.label + ": only " + sessions.size() + " of " + count + " sessions opened");
        }
        return sessions;
    }

    private static void throughput(StdioBench.Options o, Map<Kind, HttpTarget> targets, Results results,
            StdioBench.Report report, PrintStream out) {
        List<Kind> kinds = List.copyOf(targets.keySet());
        out.println();
        out.println(f("-- Throughput: tools/call echo (%d-byte message), closed loop, %d sessions x %d in flight (one keep-alive "
                + "connection each, raw HTTP/1.1 client); %d rounds x %.1f s per variant (after %.1f s lead-in), order "
                + "rotated; warm-up %.1f s per variant first", o.payloadBytes(), o.httpSessions(), o.httpPerSession(),
                o.httpRounds(), o.httpDuration(), o.roundWarmupSeconds(), o.httpWarmup()));
        Map<Kind, List<String>> sessions = new EnumMap<>(Kind.class);
        for (Kind kind : kinds) {
            HttpTarget t = targets.get(kind);
            sessions.put(kind, sessions(t, o.httpSessions(), report));
            LoopResult warm = loop(o, t, sessions.get(kind), 0, o.httpWarmup());
            out.println(f("  warm-up %-9s %8.0f msgs/s", kind.label, warm.throughput()));
            checkLoop(report, kind.label + " warm-up", warm);
        }
        for (int round = 0; round < o.httpRounds(); round++) {
            for (int i = 0; i < kinds.size(); i++) {
                Kind kind = kinds.get((i + round) % kinds.size());
                LoopResult r = loop(o, targets.get(kind), sessions.get(kind), o.roundWarmupSeconds(), o.httpDuration());
                results.loops.computeIfAbsent(kind, k -> new ArrayList<>()).add(r);
                checkLoop(report, kind.label + " round " + (round + 1), r);
                double[] cpu = r.cpuPerMessage();
                out.println(f("  round %d  %-9s %8.0f msgs/s   p50 %6.2f ms   p99 %6.2f ms   max %7.2f ms   cpu us/msg: "
                        + "client %5.1f  front %6.1f  demo %5.1f", round + 1, kind.label, r.throughput(),
                        r.percentileMillis(50), r.percentileMillis(99), r.percentileMillis(100), cpu[0], cpu[1], cpu[2]));
            }
        }
    }

    static void checkLoop(StdioBench.Report report, String what, LoopResult r) {
        if (r.errors() > 0 || r.failures() > 0) {
            report.failures.add(f("%s: %d error replies, %d transport failures", what, r.errors(), r.failures()));
        }
        if (r.capped()) {
            report.failures.add(what + ": request cap reached");
        }
    }

    // ---- 3. delayed calls ----------------------------------------------------------------------------------------

    private static void delayed(StdioBench.Options o, Map<Kind, HttpTarget> targets, Results results,
            StdioBench.Report report, PrintStream out) {
        List<Kind> kinds = targets.keySet().stream().filter(k -> k != Kind.SUPERGATEWAY).toList();
        long timeout = TimeUnit.SECONDS.toNanos(o.httpSleepTimeout());
        out.println();
        out.println(f("-- Delayed calls: %d concurrent tools/call sleep ms=%d over %d sessions, one pre-opened connection per "
                + "call (primed with a ping), released at once; wall time from release to the last answer (timeout %d s); %d rounds, order "
                + "alternated; one unmeasured burst of %d x ms=100 per variant first", o.httpSleepCalls(), o.sleepMs(),
                o.httpSleepSessions(), o.httpSleepTimeout(), o.httpSleepRounds(), Math.min(1000, o.httpSleepCalls())));
        Map<Kind, List<String>> sessions = new EnumMap<>(Kind.class);
        for (Kind kind : kinds) {
            HttpTarget t = targets.get(kind);
            sessions.put(kind, sessions(t, o.httpSleepSessions(), report));
            BurstResult warm = HttpLoad.burst(t.endpoint, sessions.get(kind), Math.min(1000, o.httpSleepCalls()),
                    sleep(kind, 100), 16, timeout, cpu(t));
            out.println(f("  warm-up %-9s %d/%d ok in %.3f s", kind.label, warm.ok(), warm.requests(), warm.wallNanos() / 1e9));
            checkBurst(report, kind.label + " delayed warm-up", warm);
            HttpLoad.sleepMillis(500);
        }
        for (int round = 0; round < o.httpSleepRounds(); round++) {
            for (int i = 0; i < kinds.size(); i++) {
                Kind kind = kinds.get((i + round) % kinds.size());
                BurstResult b = HttpLoad.burst(targets.get(kind).endpoint, sessions.get(kind), o.httpSleepCalls(),
                        sleep(kind, o.sleepMs()), 16, timeout, cpu(targets.get(kind)));
                results.bursts.computeIfAbsent(kind, k -> new ArrayList<>()).add(b);
                checkBurst(report, kind.label + " delayed round " + (round + 1), b);
                out.println(f("  round %d  %-9s %5d/%d answered, %5d ok, wall %.3f s = %.2fx the delay (answers: p50 %.2f s, "
                        + "p99 %.2f s; cpu s: client %.2f, front %.2f, demo %.2f; connections opened and primed in %.1f s)%s", round + 1,
                        kind.label, b.answered(), b.requests(), b.ok(), b.wallNanos() / 1e9, b.wallNanos() / 1e6 / o.sleepMs(),
                        b.p50Nanos() / 1e9, b.p99Nanos() / 1e9, b.cpuNanos()[0] / 1e9, b.cpuNanos()[1] / 1e9,
                        b.cpuNanos()[2] / 1e9, b.connectNanos() / 1e9, b.timedOut() ? "  (TIMED OUT)" : ""));
                HttpLoad.sleepMillis(1000); // let the closed connections drain
            }
        }
    }

    static void checkBurst(StdioBench.Report report, String what, BurstResult b) {
        if (b.ok() < b.requests()) {
            report.failures.add(f("%s: %d of %d calls not answered successfully%s (first problem: %s)", what,
                    b.requests() - b.ok(), b.requests(), b.timedOut() ? ", timed out" : "", b.firstProblem()));
        }
    }

    // ---- summary -------------------------------------------------------------------------------------------------

    private static void summary(StdioBench.Options o, Results r, StdioBench.Report report, PrintStream out) {
        out.println();
        out.println(f("  %-44s %12s %12s %12s", "HTTP face (medians)", "gatekit", "mcp-proxy", "gk/mcp-proxy"));
        double tputRatio = Double.NaN;
        double p99Ratio = Double.NaN;
        if (r.loops.containsKey(Kind.GATEKIT) && r.loops.containsKey(Kind.MCP_PROXY)) {
            double[] tput = ratios(r, LoopResult::throughput);
            double[] p99 = ratios(r, l -> l.percentileMillis(99));
            tputRatio = Stats.median(tput);
            p99Ratio = Stats.median(p99);
            row(out, "echo throughput, msgs/s", median(r, Kind.GATEKIT, LoopResult::throughput),
                    median(r, Kind.MCP_PROXY, LoopResult::throughput), tputRatio, "%12.0f");
            row(out, "echo p50, ms", median(r, Kind.GATEKIT, l -> l.percentileMillis(50)),
                    median(r, Kind.MCP_PROXY, l -> l.percentileMillis(50)), Stats.median(ratios(r, l -> l.percentileMillis(50))), "%12.2f");
            row(out, "echo p99, ms", median(r, Kind.GATEKIT, l -> l.percentileMillis(99)),
                    median(r, Kind.MCP_PROXY, l -> l.percentileMillis(99)), p99Ratio, "%12.2f");
            row(out, "front CPU us per message", median(r, Kind.GATEKIT, l -> l.cpuPerMessage()[1]),
                    median(r, Kind.MCP_PROXY, l -> l.cpuPerMessage()[1]), Double.NaN, "%12.1f");
            row(out, "client CPU us per message", median(r, Kind.GATEKIT, l -> l.cpuPerMessage()[0]),
                    median(r, Kind.MCP_PROXY, l -> l.cpuPerMessage()[0]), Double.NaN, "%12.1f");
            out.println(f("  %-44s %s", "  throughput ratio per round", Stats.list(tput, "%.2f")));
        }
        double gkWall = Double.NaN;
        double mpWall = Double.NaN;
        if (r.bursts.containsKey(Kind.GATEKIT) && r.bursts.containsKey(Kind.MCP_PROXY)) {
            gkWall = Stats.median(r.bursts.get(Kind.GATEKIT).stream().mapToDouble(b -> b.wallNanos() / 1e6 / o.sleepMs()).toArray());
            mpWall = Stats.median(r.bursts.get(Kind.MCP_PROXY).stream().mapToDouble(b -> b.wallNanos() / 1e6 / o.sleepMs()).toArray());
            row(out, f("%d x sleep %d ms: wall, x the delay", o.httpSleepCalls(), o.sleepMs()), gkWall, mpWall,
                    gkWall / mpWall, "%12.2f");
        }
        if (r.loops.containsKey(Kind.GATEKIT) && r.loops.containsKey(Kind.GATEKIT_B)) {
            List<LoopResult> a = r.loops.get(Kind.GATEKIT);
            List<LoopResult> b = r.loops.get(Kind.GATEKIT_B);
            out.println(f("  %-44s %s", "gatekit-b/gatekit throughput per round", Stats.list(Stats.ratios(b, a, LoopResult::throughput), "%.2f")));
            out.println(f("  %-44s %s", "gatekit-b/gatekit p99 per round", Stats.list(Stats.ratios(b, a, l -> l.percentileMillis(99)), "%.2f")));
            out.println(f("  %-44s %s", "gatekit-b/gatekit front CPU per msg per round",
                    Stats.list(Stats.ratios(b, a, l -> l.cpuPerMessage()[1]), "%.2f")));
        }
        if (r.bursts.containsKey(Kind.GATEKIT) && r.bursts.containsKey(Kind.GATEKIT_B)) {
            out.println(f("  %-44s %s", "gatekit-b/gatekit delayed-call wall per round", Stats.list(
                    Stats.ratios(r.bursts.get(Kind.GATEKIT_B), r.bursts.get(Kind.GATEKIT), BurstResult::wallNanos), "%.2f")));
        }
        Double gkMb = r.mbPerSession.get(Kind.GATEKIT);
        Double mpMb = r.mbPerSession.get(Kind.MCP_PROXY);
        if (gkMb != null && mpMb != null) {
            row(out, "idle session memory, MB/session (VmRSS delta)", gkMb, mpMb, gkMb / mpMb, "%12.3f");
        }
        out.println();
        if (!Double.isNaN(tputRatio)) {
            verdict(report, out, "http: gatekit/mcp-proxy echo throughput >= 8x", tputRatio >= 8, f("%.2fx", tputRatio));
            verdict(report, out, "http: gatekit p99 <= 0.2x mcp-proxy's", p99Ratio <= 0.2, f("%.2fx", p99Ratio));
        }
        if (!Double.isNaN(gkWall)) {
            boolean allOk = r.bursts.values().stream().flatMap(List::stream).allMatch(b -> b.ok() == b.requests());
            verdict(report, out, f("http: every one of the %d delayed calls answered, both, every round", o.httpSleepCalls()),
                    allOk, "");
            verdict(report, out, "http: gatekit delayed-call wall < mcp-proxy's", gkWall < mpWall,
                    f("%.2fx vs %.2fx the delay (reference: mcp-proxy 8.8x, supergateway 18.9x)", gkWall, mpWall));
        }
        if (gkMb != null && mpMb != null) {
            verdict(report, out, "http: gatekit idle MB/session <= half of mcp-proxy's", gkMb <= mpMb / 2,
                    f("%.3f vs %.3f MB", gkMb, mpMb));
        }
    }

    private static void row(PrintStream out, String name, double gk, double mp, double ratio, String format) {
        out.println(f("  %-44s " + format + " " + format + " %12s", name, gk, mp,
                Double.isNaN(ratio) ? "" : f("%.2fx", ratio)));
    }

    private static double median(Results r, Kind kind, ToDoubleFunction<LoopResult> metric) {
        return Stats.median(r.loops.get(kind).stream().mapToDouble(metric).toArray());
    }

    private static double[] ratios(Results r, ToDoubleFunction<LoopResult> metric) {
        return Stats.ratios(r.loops.get(Kind.GATEKIT), r.loops.get(Kind.MCP_PROXY), metric);
    }

    private static void verdict(StdioBench.Report report, PrintStream out, String target, boolean met, String value) {
        out.println(f("  [%s] %s%s", met ? "PASS" : "FAIL", target, value.isEmpty() ? "" : ": " + value));
        if (!met) {
            report.missedTargets.add(target + (value.isEmpty() ? "" : " (" + value + ")"));
        }
    }

    // ---- profile -------------------------------------------------------------------------------------------------

    /** {@code --profile=http}: JFR on the HTTP gateway (and its demo upstream) under the echo closed loop. */
    static void profile(StdioBench.Options o, Target.Launch launch, PrintStream out) {
        try (HttpTarget t = HttpTarget.startGatekit(launch, o.workDir(), Math.max(o.maxInFlight(), 20_000))) {
            StdioBench.Report scratch = new StdioBench.Report();
            List<String> sessions = sessions(t, o.httpSessions(), scratch);
            LoopResult warm = loop(o, t, sessions, 0, o.httpWarmup());
            out.println(f("warm-up gatekit http: %.0f msgs/s", warm.throughput()));
            Map<String, ProcessHandle> recorded = new LinkedHashMap<>();
            recorded.put("gatekit-http", t.front());
            recorded.put("demo", t.demo());
            Map<String, Path> files = new LinkedHashMap<>();
            for (Map.Entry<String, ProcessHandle> e : recorded.entrySet()) {
                Path file = o.workDir().resolve(e.getKey() + ".jfr");
                StdioBench.jcmd(e.getValue().pid(), StdioBench.jfrStart(o, file));
                files.put(e.getKey(), file);
            }
            LoopResult r = loop(o, t, sessions, 0.5, o.profileSeconds());
            for (ProcessHandle p : recorded.values()) {
                StdioBench.jcmd(p.pid(), List.of("JFR.stop", "name=gatekit-bench"));
            }
            double[] cpu = r.cpuPerMessage();
            out.println(f("profiled gatekit http at %d x %d in flight for %.1f s: %.0f msgs/s, p50 %.2f ms, p99 %.2f ms; "
                    + "cpu us/msg: client %.1f, gateway %.1f, demo %.1f", o.httpSessions(), o.httpPerSession(),
                    o.profileSeconds(), r.throughput(), r.percentileMillis(50), r.percentileMillis(99), cpu[0], cpu[1], cpu[2]));
            for (Map.Entry<String, Path> e : files.entrySet()) {
                out.println();
                try {
                    JfrSummary.print(e.getValue(), out, 25, e.getKey().equals("demo") ? cpu[2] : cpu[1], r.answeredInWindow());
                } catch (IOException ex) {
                    out.println("cannot read " + e.getValue() + ": " + ex.getMessage());
                }
            }
        }
    }
}
