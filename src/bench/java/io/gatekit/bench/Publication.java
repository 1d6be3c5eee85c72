package io.gatekit.bench;

import static io.gatekit.bench.Stats.f;

import io.gatekit.bench.LoadClient.BurstResult;
import io.gatekit.bench.LoadClient.ClosedLoopResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * {@code scripts/bench --only=publish}: the published benchmark. Runs every scenario the project makes claims about,
 * side by side in one run, and writes {@code docs/BENCHMARKS.md} with SVG charts beside it:
 *
 * <ol>
 *   <li>stdio, direct against through Gatekit, at 1, 16 and 128 requests in flight: throughput, p50, p99;</li>
 *   <li>the seed scenario from 10 to 100,000 concurrent 1 s calls: makespan against the upstream's own and the
 *       ideal (the delay);</li>
 *   <li>memory per request in flight (stdio) and per idle HTTP session;</li>
 *   <li>the HTTP face against mcp-proxy and supergateway on the same upstream ({@link HttpBench});</li>
 *   <li>fairness: light clients beside a greedy one ({@link Fairness});</li>
 *   <li>chaos: collisions, a cancel storm, an upstream killed mid-run ({@link Chaos}).</li>
 * </ol>
 *
 * Takes ~15 minutes on 2 cores. The figures are only as quiet as the machine: the document records the load average.
 */
final class Publication {
    private static final int[] WINDOWS = {1, 16, 128};
    /** The seed scenario's sizes, up to BENCH_PUBLISH_MAX_CALLS (100,000 unless set lower, for a quick trial run). */
    private static final int[] SEED_SIZES = java.util.stream.IntStream.of(10, 100, 1_000, 10_000, 100_000)
            .filter(n -> n <= Integer.parseInt(System.getenv().getOrDefault("BENCH_PUBLISH_MAX_CALLS", "100000")))
            .toArray();
    private static final int SEED_DELAY_MS = 1000;
    /** The issue's figure: this many idle HTTP sessions held at once (BENCH_PUBLISH_IDLE_SESSIONS for a trial run). */
    private static final int IDLE_SESSIONS = Integer.parseInt(System.getenv().getOrDefault("BENCH_PUBLISH_IDLE_SESSIONS", "100000"));
    private static final int IN_FLIGHT_PROBE = Math.min(10_000, SEED_SIZES[SEED_SIZES.length - 1]);

    private final StdioBench.Options o;
    private final Target.Launch launch;
    private final PrintStream out;
    private final StringBuilder md = new StringBuilder(16 * 1024);
    private final Map<String, SvgChart> charts = new LinkedHashMap<>();
    private final List<String> verdicts = new ArrayList<>();
    private boolean allMet = true;
    private boolean correct = true;

    private Publication(StdioBench.Options o, Target.Launch launch, PrintStream out) {
        this.o = o;
        this.launch = launch;
        this.out = out;
    }

    /** Runs it all and writes the document; 0 when every request was answered correctly, 2 otherwise. */
    static int run(StdioBench.Options o, Target.Launch launch, PrintStream out) {
        Publication p = new Publication(o, launch, out);
        String loadBefore = loadAverage();
        p.stdio();
        p.seed();
        StdioBench.Report httpReport = new StdioBench.Report();
        HttpBench.Results http = HttpBench.run(o, launch, httpReport, out, true);
        p.http(http, httpReport);
        p.idleAtScale(IdleSessionsAtScale.run(launch, o.workDir(), IDLE_SESSIONS, out));
        p.fairness(Fairness.run(launch, o.workDir(), 6, out));
        p.chaos(Chaos.run(launch, o.workDir(), out));
        p.write(loadBefore, loadAverage());
        return p.correct ? 0 : 2;
    }

    // ---- 1. stdio at 1, 16, 128 in flight ---------------------------------------------------------------------------

    private final StringBuilder stdioSection = new StringBuilder();

    private void stdio() {
        out.println();
        out.println(f("== stdio: direct vs gateway, tools/call echo (%d-byte message), closed loop at 1, 16, 128 in flight; "
                + "%d rounds x %.1f s, order alternated", o.payloadBytes(), o.rounds(), o.durationSeconds()));
        SvgChart throughput = chart("stdio-throughput", "stdio: echo throughput", "messages per second (higher is better)");
        SvgChart p99 = chart("stdio-p99", "stdio: echo p99 latency", "milliseconds (lower is better)");
        stdioSection.append("| in flight | direct msgs/s | gatekit msgs/s | ratio | direct p50 ms | gatekit p50 ms | direct p99 ms "
                + "| gatekit p99 ms | p99 ratio | gatekit CPU us/msg |\n|---|---|---|---|---|---|---|---|---|---|\n");
        try (Target direct = Target.start(Target.Kind.DIRECT, launch, o.workDir(), o.maxInFlight());
                Target gateway = Target.start(Target.Kind.GATEWAY, launch, o.workDir(), o.maxInFlight())) {
            StdioBench.loop(o, direct, 128, 0, o.warmupSeconds());
            StdioBench.loop(o, gateway, 128, 0, o.warmupSeconds());
            for (int window : WINDOWS) {
                List<ClosedLoopResult> d = new ArrayList<>();
                List<ClosedLoopResult> g = new ArrayList<>();
                for (int round = 0; round < o.rounds(); round++) {
                    boolean directFirst = round % 2 == 0;
                    (directFirst ? d : g).add(StdioBench.loop(o, directFirst ? direct : gateway, window, o.roundWarmupSeconds(), o.durationSeconds()));
                    (directFirst ? g : d).add(StdioBench.loop(o, directFirst ? gateway : direct, window, o.roundWarmupSeconds(), o.durationSeconds()));
                }
                checkLoops("stdio direct @" + window, d);
                checkLoops("stdio gateway @" + window, g);
                double dt = median(d, ClosedLoopResult::throughput);
                double gt = median(g, ClosedLoopResult::throughput);
                double ratio = Stats.median(Stats.ratios(g, d, ClosedLoopResult::throughput));
                double p99Ratio = Stats.median(Stats.ratios(g, d, r -> r.percentileMillis(99)));
                double p50Ratio = Stats.median(Stats.ratios(g, d, r -> r.percentileMillis(50)));
                String label = window + " in flight";
                throughput.bar(label, "direct", dt).bar(label, "through Gatekit", gt);
                p99.bar(label, "direct", median(d, r -> r.percentileMillis(99))).bar(label, "through Gatekit", median(g, r -> r.percentileMillis(99)));
                stdioSection.append(f("| %d | %.0f | %.0f | %.2fx | %.3f | %.3f | %.3f | %.3f | %.2fx | %.1f |%n", window, dt, gt, ratio,
                        median(d, r -> r.percentileMillis(50)), median(g, r -> r.percentileMillis(50)),
                        median(d, r -> r.percentileMillis(99)), median(g, r -> r.percentileMillis(99)), p99Ratio,
                        median(g, r -> StdioBench.cpuPerMessage(r)[1])));
                out.println(f("  %3d in flight: direct %.0f msgs/s, gateway %.0f msgs/s (%.2fx); p50 %.2fx, p99 %.2fx", window, dt, gt,
                        ratio, p50Ratio, p99Ratio));
                if (window == 128) {
                    verdict("stdio throughput at 128 in flight >= 0.9x direct", ratio >= 0.9, f("%.2fx", ratio));
                }
                if (window == 1) {
                    verdict("stdio latency at 1 in flight <= 1.3x direct (p50)", p50Ratio <= 1.3, f("%.2fx", p50Ratio));
                }
            }
        }
    }

    // ---- 2. seed scenario, 10 to 100,000 delayed calls ---------------------------------------------------------------

    private final StringBuilder seedSection = new StringBuilder();

    private void seed() {
        out.println();
        out.println(f("== Seed scenario: N concurrent tools/call sleep ms=%d written at once, N = 10 .. 100,000; makespan until the "
                + "last answer, direct and through the gateway", SEED_DELAY_MS));
        SvgChart makespan = chart("seed-makespan", "Seed scenario: makespan of N concurrent 1 s calls",
                "seconds until the last answer (ideal: 1 s; lower is better)");
        seedSection.append("| calls | direct s | gatekit s | gatekit / direct | gatekit / ideal | answered (gatekit) |\n"
                + "|---|---|---|---|---|---|\n");
        int capacity = SEED_SIZES[SEED_SIZES.length - 1] * 2;
        long timeout = TimeUnit.MILLISECONDS.toNanos(SEED_DELAY_MS) + TimeUnit.SECONDS.toNanos(120);
        try (Target direct = Target.start(Target.Kind.DIRECT, launch, o.workDir(), capacity);
                Target gateway = Target.start(Target.Kind.GATEWAY, launch, o.workDir(), capacity)) {
            direct.client.burst(StdioBench.sleep(direct.kind, 100), 10_000, timeout);
            gateway.client.burst(StdioBench.sleep(gateway.kind, 100), 10_000, timeout);
            for (int size : SEED_SIZES) {
                int rounds = size >= 100_000 ? 2 : 3;
                List<BurstResult> d = new ArrayList<>();
                List<BurstResult> g = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    boolean directFirst = round % 2 == 0;
                    (directFirst ? d : g).add((directFirst ? direct : gateway).client.burst(
                            StdioBench.sleep(directFirst ? direct.kind : gateway.kind, SEED_DELAY_MS), size, timeout));
                    (directFirst ? g : d).add((directFirst ? gateway : direct).client.burst(
                            StdioBench.sleep(directFirst ? gateway.kind : direct.kind, SEED_DELAY_MS), size, timeout));
                }
                double dw = Stats.median(d.stream().mapToDouble(b -> b.wallNanos() / 1e9).toArray());
                double gw = Stats.median(g.stream().mapToDouble(b -> b.wallNanos() / 1e9).toArray());
                int worstOk = g.stream().mapToInt(BurstResult::ok).min().orElse(0);
                boolean allOk = g.stream().allMatch(b -> b.ok() == b.requests()) && d.stream().allMatch(b -> b.ok() == b.requests());
                if (!allOk) {
                    correct = false;
                }
                String label = f("%,d calls", size);
                makespan.bar(label, "direct", dw).bar(label, "through Gatekit", gw);
                seedSection.append(f("| %,d | %.3f | %.3f | %.2fx | %.2fx | %,d / %,d |%n", size, dw, gw, gw / dw,
                        gw / (SEED_DELAY_MS / 1000.0), worstOk, size));
                out.println(f("  %,7d calls: direct %.3f s, gateway %.3f s (%.2fx direct), gateway answered %d/%d (worst round)", size, dw,
                        gw, gw / dw, worstOk, size));
                if (size == 100_000) {
                    verdict("100,000 concurrent 1 s calls: every one answered", worstOk == size, f("%,d", worstOk));
                    verdict("100,000 concurrent 1 s calls: makespan <= 1.15x the upstream's own", gw / dw <= 1.15, f("%.2fx", gw / dw));
                }
            }
            inFlightMemory(gateway, timeout);
        }
    }

    // ---- 3. memory -------------------------------------------------------------------------------------------------

    private double kbPerInFlight = Double.NaN;

    /** The gateway's VmRSS with {@link #IN_FLIGHT_PROBE} slow calls in flight, less its settled idle VmRSS, per call. */
    private void inFlightMemory(Target gateway, long timeout) {
        long pid = gateway.front().orElseThrow().pid();
        long before = settledRss(pid);
        Thread burst = Thread.ofVirtual().start(() -> gateway.client.burst(StdioBench.sleep(gateway.kind, 8_000), IN_FLIGHT_PROBE, timeout));
        HttpLoad.sleepMillis(3_000); // every call written and waiting on the upstream (they last 8 s)
        long during = settledRss(pid);
        HttpLoad.joinAll(List.of(burst), System.nanoTime() + timeout);
        kbPerInFlight = (during - before) / 1e3 / IN_FLIGHT_PROBE;
        out.println(f("  memory: %,d calls in flight add %.1f MB to the gateway's VmRSS after a GC: %.2f KB per request in flight",
                IN_FLIGHT_PROBE, (during - before) / 1e6, kbPerInFlight));
    }

    private static long settledRss(long pid) {
        StdioBench.jcmd(pid, List.of("GC.run"));
        HttpLoad.sleepMillis(500);
        StdioBench.jcmd(pid, List.of("GC.run"));
        HttpLoad.sleepMillis(500);
        return Target.rssBytes(pid);
    }

    // ---- 4. HTTP -----------------------------------------------------------------------------------------------------

    private final StringBuilder httpSection = new StringBuilder();

    private void http(HttpBench.Results r, StdioBench.Report report) {
        if (!report.failures.isEmpty()) {
            correct = false;
        }
        if (r == null || r.loops.isEmpty()) {
            httpSection.append("Not measured in this run (the npm peers were not installed: `scripts/install-peers.sh`).\n");
            return;
        }
        SvgChart tput = chart("http-throughput", f("HTTP face: echo throughput, %d sessions x %d in flight", o.httpSessions(), o.httpPerSession()),
                "messages per second (higher is better)");
        SvgChart p99 = chart("http-p99", "HTTP face: echo p99 latency", "milliseconds (lower is better)");
        httpSection.append("| front | msgs/s | p50 ms | p99 ms | front CPU us/msg | idle MB/session | "
                + f("%,d x %d ms calls: wall, x the delay |%n", o.httpSleepCalls(), o.sleepMs()))
                .append("|---|---|---|---|---|---|---|\n");
        for (Map.Entry<HttpTarget.Kind, List<HttpLoad.LoopResult>> e : r.loops.entrySet()) {
            List<HttpLoad.LoopResult> loops = e.getValue();
            double t = Stats.median(loops.stream().mapToDouble(HttpLoad.LoopResult::throughput).toArray());
            double p50 = Stats.median(loops.stream().mapToDouble(l -> l.percentileMillis(50)).toArray());
            double q99 = Stats.median(loops.stream().mapToDouble(l -> l.percentileMillis(99)).toArray());
            double cpu = Stats.median(loops.stream().mapToDouble(l -> l.cpuPerMessage()[1]).toArray());
            Double mb = r.mbPerSession.get(e.getKey());
            List<HttpLoad.BurstResult> bursts = r.bursts.get(e.getKey());
            double wall = bursts == null ? Double.NaN
                    : Stats.median(bursts.stream().mapToDouble(b -> b.wallNanos() / 1e6 / o.sleepMs()).toArray());
            String name = e.getKey().label;
            tput.bar("echo", name, t);
            p99.bar("echo", name, q99);
            httpSection.append(f("| %s | %.0f | %.2f | %.2f | %.1f | %s | %s |%n", name, t, p50, q99, cpu,
                    mb == null ? "n/a" : f("%.3f", mb), Double.isNaN(wall) ? "n/a" : f("%.2fx", wall)));
        }
        List<HttpLoad.LoopResult> gk = r.loops.get(HttpTarget.Kind.GATEKIT);
        List<HttpLoad.LoopResult> mp = r.loops.get(HttpTarget.Kind.MCP_PROXY);
        if (gk != null && mp != null) {
            double ratio = Stats.median(Stats.ratios(gk, mp, HttpLoad.LoopResult::throughput));
            double p99Ratio = Stats.median(Stats.ratios(gk, mp, l -> l.percentileMillis(99)));
            verdict("HTTP throughput >= 8x mcp-proxy's", ratio >= 8, f("%.2fx", ratio));
            verdict("HTTP p99 <= 0.2x mcp-proxy's", p99Ratio <= 0.2, f("%.2fx", p99Ratio));
        }
    }

    private IdleSessionsAtScale.@Nullable Outcome idle;

    private void idleAtScale(IdleSessionsAtScale.Outcome outcome) {
        idle = outcome;
        if (outcome.opened() < outcome.requested()) {
            correct = false;
        }
        verdict(f("%,d idle HTTP sessions in < 2 GB (held at once, whole VmRSS)", outcome.requested()),
                outcome.opened() == outcome.requested() && outcome.rssBytes() < 2e9,
                f("%.2f GB with %,d open", outcome.rssBytes() / 1e9, outcome.opened()));
    }

    private String idleAtScaleLine() {
        IdleSessionsAtScale.Outcome i = idle;
        if (i == null) {
            return "";
        }
        return f("- Idle HTTP sessions held at once by one gateway: **%,d of %,d open, VmRSS %.0f MB** after a forced GC "
                + "(%.0f MB after start-up: %.1f KB per session), opened in %.0f s; Java heap in use %.0f MB.",
                i.opened(), i.requested(), i.rssBytes() / 1e6, i.baseRssBytes() / 1e6,
                (i.rssBytes() - i.baseRssBytes()) / 1e3 / Math.max(1, i.opened()), i.seconds(), i.heapUsedBytes() / 1e6);
    }

    // ---- 5. fairness and 6. chaos ------------------------------------------------------------------------------------

    private final StringBuilder fairnessSection = new StringBuilder();
    private final StringBuilder chaosSection = new StringBuilder();

    private void fairness(Fairness.Outcome f) {
        SvgChart chart = chart("fairness", "Fairness: light clients' echo latency beside a greedy client", "milliseconds (lower is better)");
        chart.bar("p50", "light clients alone", f.aloneP50()).bar("p50", "beside the greedy client", f.busyP50())
                .bar("p99", "light clients alone", f.aloneP99()).bar("p99", "beside the greedy client", f.busyP99());
        fairnessSection.append("| light clients | p50 ms | p99 ms |\n|---|---|---|\n")
                .append(f("| alone | %.2f | %.2f |%n", f.aloneP50(), f.aloneP99()))
                .append(f("| beside the greedy client (%.0f calls/s) | %.2f | %.2f |%n", f.greedyPerSecond(), f.busyP50(), f.busyP99()));
        if (f.lightErrors() != 0) {
            correct = false;
        }
        verdict("light clients' p99 beside a greedy one within 2x of alone", f.p99Ratio() <= 2, f("%.2fx", f.p99Ratio()));
    }

    private void chaos(List<Chaos.Outcome> outcomes) {
        chaosSection.append("| scenario | requests | ok | answered with an error | misrouted | lost | late |\n|---|---|---|---|---|---|---|\n");
        long misrouted = 0;
        long lost = 0;
        for (Chaos.Outcome c : outcomes) {
            chaosSection.append(f("| %s | %,d | %,d | %,d | %d | %d | %d |%n", c.scenario(), c.requests(), c.ok(), c.errors(),
                    c.misrouted(), c.lost(), c.late()));
            misrouted += c.misrouted();
            lost += c.lost() + c.late();
        }
        if (misrouted + lost > 0) {
            correct = false;
        }
        verdict("chaos: 0 misrouted, 0 lost", misrouted + lost == 0, f("%d misrouted, %d lost or late", misrouted, lost));
    }

    // ---- the document -------------------------------------------------------------------------------------------------

    private SvgChart chart(String file, String title, String unit) {
        SvgChart chart = new SvgChart(title, unit);
        charts.put(file, chart);
        return chart;
    }

    private void verdict(String target, boolean met, String value) {
        verdicts.add(f("| %s | %s | %s |", target, value, met ? "met" : "**not met**"));
        allMet &= met;
        out.println(f("  [%s] %s: %s", met ? "PASS" : "FAIL", target, value));
    }

    private void checkLoops(String what, List<ClosedLoopResult> loops) {
        for (ClosedLoopResult r : loops) {
            if (r.totalReceived() < r.totalSent() || r.errors() > 0) {
                correct = false;
                out.println("  CORRECTNESS FAILURE: " + what + ": " + (r.totalSent() - r.totalReceived()) + " unanswered, "
                        + r.errors() + " errors");
            }
        }
    }

    /** A heading, what was measured, its charts (by file name) and its table. */
    private void section(String title, String intro, StringBuilder table, String... chartNames) {
        md.append("## ").append(title).append("\n\n").append(intro).append("\n\n");
        for (String name : chartNames) {
            md.append("![").append(charts.get(name).title()).append("](bench-").append(name).append(".svg)\n\n");
        }
        md.append(table).append('\n');
    }

    private static double median(List<ClosedLoopResult> runs, ToDoubleFunction<ClosedLoopResult> metric) {
        return Stats.median(runs.stream().mapToDouble(metric).toArray());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip().split(" ", 4)[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private void write(String loadBefore, String loadAfter) {
        Path dir = Path.of("docs"); // scripts/bench runs from the project root
        md.append("# Benchmarks\n\n")
                .append("Written by `scripts/bench --only=publish` (src/bench/java/io/gatekit/bench/Publication.java); do not edit by hand.\n\n")
                .append(f("Run: %s, Java %s, %d CPUs, load average %s before and %s after. Every figure is a median over rounds "
                        + "run side by side (order alternated); ratios are medians of per-round ratios. The client, the gateway "
                        + "and the upstream share the machine's cores, so each figure counts everyone's CPU.%n%n",
                        Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.version(), Runtime.getRuntime().availableProcessors(),
                        loadBefore, loadAfter))
                .append("## Targets\n\n| target | this run | verdict |\n|---|---|---|\n");
        verdicts.forEach(v -> md.append(v).append('\n'));
        md.append(f("%nEvery request answered correctly: **%s**.%n%n", correct ? "yes" : "NO"));
        section("stdio: direct against through Gatekit", f("`tools/call` echo with a %d-byte message to the demo server, closed "
                + "loop, directly and through `gatekit gateway` (plain configuration).", o.payloadBytes()), stdioSection,
                "stdio-throughput", "stdio-p99");
        section("Seed scenario: N concurrent 1 s calls", "N `tools/call sleep ms=1000` written at once over stdio; the makespan "
                + "is the time until the last answer. The demo server itself needs more than the delay at large N on 2 cores, "
                + "so the fair comparison is with its own makespan (direct).", seedSection, "seed-makespan");
        section("Memory", f("- Per request in flight (stdio gateway, %,d calls waiting on the upstream, VmRSS after a GC): "
                + "**%.2f KB**.%n- Per idle HTTP session: the `idle MB/session` column of the HTTP table (VmRSS delta after a "
                + "GC over %d sessions).%n%s", IN_FLIGHT_PROBE, kbPerInFlight, o.httpIdleSessions(), idleAtScaleLine()),
                new StringBuilder());
        section("HTTP face against mcp-proxy and supergateway", "The same demo server behind each front; legacy-era "
                + "(2025-11-25) sessions over a raw HTTP/1.1 client on loopback. supergateway runs stateful (it starts one "
                + "demo server per session), so it is measured in the throughput rounds only.", httpSection,
                "http-throughput", "http-p99");
        section("Fairness", "An upstream limited to 8 requests in flight; four light HTTP sessions, one echo in flight each, "
                + "alone and then beside one greedy session keeping 128 `sleep 20 ms` calls in flight (ADR 0018: per-client "
                + "FIFO queues served round-robin).", fairnessSection, "fairness");
        section("Chaos", "Eight HTTP sessions through one gateway. Collisions: every session uses the same request ids and "
                + "progress tokens at once, and each answer and progress notification is checked against its own request. "
                + "Cancel storm: 200 five-second calls, each cancelled by its client right after it was sent. Upstream kill: "
                + "the demo server exits mid-run (its `crash` tool) and the gateway restarts it. Misrouted: an answer or "
                + "notification that belongs to another request; lost: no answer at all; late: a result for a cancelled "
                + "request.", chaosSection);
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, SvgChart> c : charts.entrySet()) {
                if (!c.getValue().isEmpty()) {
                    Files.writeString(dir.resolve("bench-" + c.getKey() + ".svg"), c.getValue().render(), StandardCharsets.UTF_8);
                }
            }
            Files.writeString(dir.resolve("BENCHMARKS.md"), md.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
        out.println("wrote " + dir.resolve("BENCHMARKS.md") + " and its charts" + (allMet ? "; every target met" : "; some targets not met"));
    }
}
