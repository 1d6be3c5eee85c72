package io.gatekit.bench;

import static io.gatekit.bench.Stats.f;

import io.gatekit.bench.LoadClient.BurstResult;
import io.gatekit.bench.LoadClient.ClosedLoopResult;
import io.gatekit.bench.LoadClient.LineTemplate;
import io.gatekit.bench.LoadClient.LongSupplierArray;
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

/**
 * The stdio benchmark behind {@code scripts/bench}. All variants run side by side in one process tree and are
 * measured interleaved, round by round, with the order rotated each round; results are medians over rounds and
 * ratios are medians of the per-round ratios, so machine noise hits every variant alike.
 *
 * <ol>
 *   <li>Throughput: closed loop of {@code tools/call echo} with {@code window} requests outstanding, against the
 *       demo server directly, through {@link ByteRelay} (calibration: the cost of one extra process hop) and
 *       through the gateway. Prints msgs/s, p50/p99 latency and CPU per message of each process.</li>
 *   <li>Seed scenario: {@code sleep-calls} concurrent {@code tools/call sleep ms=sleep-ms}, directly and through
 *       the gateway; prints the wall time until every call is answered and how many succeeded.</li>
 *   <li>{@code --profile=gateway}: instead of the above, records the gateway (and its demo upstream) with JFR
 *       during a closed-loop run and prints where the CPU goes.</li>
 * </ol>
 *
 * {@link StartupBench} measures a cold start of the stdio gateway (part of a full run, or {@code --only=startup}).
 * It is also the entry point of the HTTP benchmarks: {@link HttpBench} (part of a full run, or {@code --only=http})
 * and {@link ServerBench} ({@code --only=servers} alone: Jetty against Helidon, ADR 0005).
 *
 * Options: {@code --name=value} arguments or {@code BENCH_NAME} environment variables (see {@link Options}).
 */
public final class StdioBench {

    private StdioBench() {}

    /**
     * Settings. Each is {@code --name=value} on the command line or {@code BENCH_NAME} (upper case, '-' as '_')
     * in the environment; the command line wins.
     */
    public record Options(
            double durationSeconds, // measured seconds per variant per round
            double warmupSeconds, // unmeasured closed loop per variant before round 1
            double roundWarmupSeconds, // unmeasured lead-in before each measured window
            int rounds,
            int window, // requests in flight in the closed loop
            List<Target.Kind> variants,
            int payloadBytes, // length of the echo message
            int sleepCalls,
            int sleepMs,
            int sleepRounds,
            List<Target.Kind> sleepVariants,
            String only, // all | throughput | seed | http | servers
            String profile, // none | gateway | direct | relay
            double profileSeconds,
            String profileEvent, // cpu (jdk.CPUTimeSample) | exec (jdk.ExecutionSample)
            boolean strict,
            int maxInFlight,
            List<String> jvmOptions,
            String classpath,
            String classpathB,
            Path workDir,
            int httpSessions, // HTTP closed loop: sessions
            int httpPerSession, // HTTP closed loop: connections (requests in flight) per session
            double httpDuration,
            double httpWarmup,
            int httpRounds,
            int httpSleepCalls,
            int httpSleepSessions,
            int httpSleepRounds,
            int httpSleepTimeout, // seconds after the release
            int httpIdleSessions,
            String node,
            String mcpProxy,
            // --only=servers (ServerBench): idle keep-alive connections per server for the memory figure
            int serverIdleConnections,
            // --only=startup (StartupBench): cold starts per variant, idle seconds before the second RSS reading
            int startupRuns,
            double startupIdleSeconds,
            List<String> startupVariants, // launcher, dist, plain, baseline
            String startupBaseline) { // another checkout's root, for the baseline variant

        static final Map<String, String> DEFAULTS = defaults();

        private static Map<String, String> defaults() {
            Map<String, String> d = new LinkedHashMap<>();
            d.put("duration", "5");
            d.put("warmup", "8");
            d.put("round-warmup", "1");
            d.put("rounds", "5");
            d.put("window", "128");
            d.put("variants", "direct,relay,gateway,guided,pii");
            d.put("payload", "64");
            d.put("sleep-calls", "10000");
            d.put("sleep-ms", "1000");
            d.put("sleep-rounds", "3");
            d.put("sleep-variants", "direct,gateway");
            d.put("only", "all");
            d.put("profile", "none");
            d.put("profile-seconds", "10");
            d.put("profile-event", "cpu");
            d.put("strict", "false");
            d.put("max-in-flight", "20000");
            d.put("jvm-opts", "");
            d.put("classpath", "");
            d.put("classpath-b", "");
            d.put("workdir", "");
            d.put("http-sessions", "16");
            d.put("http-per-session", "8");
            d.put("http-duration", "4");
            d.put("http-warmup", "6");
            d.put("http-rounds", "3");
            d.put("http-sleep-calls", "10000");
            d.put("http-sleep-sessions", "100");
            d.put("http-sleep-rounds", "2");
            d.put("http-sleep-timeout", "60");
            d.put("http-idle-sessions", "1000");
            d.put("node", "node");
            d.put("mcp-proxy", "interop/peers/node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs");
            d.put("server-idle-connections", "5000");
            d.put("startup-runs", "10");
            d.put("startup-idle", "3");
            d.put("startup-variants", "launcher,dist,plain,baseline");
            d.put("startup-baseline", "");
            return d;
        }

        public static Options parse(String[] args, Map<String, String> env) {
            Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
            for (String key : DEFAULTS.keySet()) {
                String fromEnv = env.get("BENCH_" + key.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
                if (fromEnv != null && !fromEnv.isBlank()) {
                    values.put(key, fromEnv);
                }
            }
            for (String arg : args) {
                if (arg.equals("-h") || arg.equals("--help")) {
                    throw new IllegalArgumentException("help");
                }
                String a = arg.startsWith("--") ? arg.substring(2) : arg;
                int eq = a.indexOf('=');
                String key = eq < 0 ? a : a.substring(0, eq);
                String value = eq < 0 ? "true" : a.substring(eq + 1);
                if (!DEFAULTS.containsKey(key)) {
                    throw new IllegalArgumentException("unknown option --" + key + " (known: " + DEFAULTS.keySet() + ")");
                }
                values.put(key, value);
            }
            if (!List.of("all", "startup", "throughput", "seed", "http", "servers", "publish", "idle").contains(values.get("only"))) {
                throw new IllegalArgumentException("--only must be all, startup, throughput, seed, http, servers or publish, not "
                        + values.get("only"));
            }
            String cp = values.get("classpath").isBlank() ? System.getProperty("java.class.path") : values.get("classpath");
            Path workDir;
            try {
                workDir = values.get("workdir").isBlank() ? Files.createTempDirectory("gatekit-bench")
                        : Files.createDirectories(Path.of(values.get("workdir")));
            } catch (IOException e) {
                throw new IllegalStateException("cannot create a work directory: " + e.getMessage(), e);
            }
            return new Options(
                    Double.parseDouble(values.get("duration")),
                    Double.parseDouble(values.get("warmup")),
                    Double.parseDouble(values.get("round-warmup")),
                    Integer.parseInt(values.get("rounds")),
                    Integer.parseInt(values.get("window")),
                    kinds(values.get("variants")),
                    Integer.parseInt(values.get("payload")),
                    Integer.parseInt(values.get("sleep-calls")),
                    Integer.parseInt(values.get("sleep-ms")),
                    Integer.parseInt(values.get("sleep-rounds")),
                    kinds(values.get("sleep-variants")),
                    values.get("only"),
                    values.get("profile"),
                    Double.parseDouble(values.get("profile-seconds")),
                    values.get("profile-event"),
                    Boolean.parseBoolean(values.get("strict")),
                    Integer.parseInt(values.get("max-in-flight")),
                    values.get("jvm-opts").isBlank() ? List.of() : List.of(values.get("jvm-opts").strip().split("\\s+")),
                    cp,
                    values.get("classpath-b"),
                    workDir,
                    Integer.parseInt(values.get("http-sessions")),
                    Integer.parseInt(values.get("http-per-session")),
                    Double.parseDouble(values.get("http-duration")),
                    Double.parseDouble(values.get("http-warmup")),
                    Integer.parseInt(values.get("http-rounds")),
                    Integer.parseInt(values.get("http-sleep-calls")),
                    Integer.parseInt(values.get("http-sleep-sessions")),
                    Integer.parseInt(values.get("http-sleep-rounds")),
                    Integer.parseInt(values.get("http-sleep-timeout")),
                    Integer.parseInt(values.get("http-idle-sessions")),
                    values.get("node"),
                    values.get("mcp-proxy"),
                    Integer.parseInt(values.get("server-idle-connections")),
                    Integer.parseInt(values.get("startup-runs")),
                    Double.parseDouble(values.get("startup-idle")),
                    List.of(values.get("startup-variants").split(",")).stream().map(String::strip).filter(v -> !v.isEmpty()).toList(),
                    values.get("startup-baseline"));
        }

        private static List<Target.Kind> kinds(String text) {
            List<Target.Kind> kinds = new ArrayList<>();
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    Target.Kind kind = Target.Kind.parse(part);
                    if (!kinds.contains(kind)) {
                        kinds.add(kind);
                    }
                }
            }
            return List.copyOf(kinds);
        }

        boolean startup() {
            return only.equals("all") || only.equals("startup");
        }

        boolean throughput() {
            return only.equals("all") || only.equals("throughput");
        }

        boolean seed() {
            return only.equals("all") || only.equals("seed");
        }

        boolean http() {
            return only.equals("all") || only.equals("http");
        }

        /** Only on request, not part of "all": Helidon, the second server measured, is on the test class path only. */
        boolean servers() {
            return only.equals("servers");
        }
    }

    /** Everything measured, for the table and for the load test's assertions. */
    public static final class Report {
        public final Map<Target.Kind, List<ClosedLoopResult>> loops = new EnumMap<>(Target.Kind.class);
        public final Map<Target.Kind, List<BurstResult>> bursts = new EnumMap<>(Target.Kind.class);
        public final List<String> failures = new ArrayList<>(); // correctness problems (unanswered, errors)
        public final List<String> missedTargets = new ArrayList<>(); // performance targets not met

        /** Requests that were sent in the measured loops and bursts but never answered successfully. */
        public long unansweredOrFailed() {
            long bad = 0;
            for (List<ClosedLoopResult> runs : loops.values()) {
                for (ClosedLoopResult r : runs) {
                    bad += (r.totalSent() - r.totalReceived()) + r.errors();
                }
            }
            for (List<BurstResult> runs : bursts.values()) {
                for (BurstResult b : runs) {
                    bad += b.requests() - b.ok();
                }
            }
            return bad;
        }
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage().equals("help") ? usage() : "bench: " + e.getMessage() + "\n" + usage());
            System.exit(e.getMessage().equals("help") ? 0 : 2);
            return;
        }
        int code;
        try {
            if (options.profile().equals("http")) {
                HttpBench.profile(options, launch(options), System.out);
                code = 0;
            } else if (options.only().equals("idle")) {
                IdleSessionsAtScale.run(launch(options), options.workDir(), options.httpIdleSessions(), System.out);
                code = 0;
            } else if (options.only().equals("publish")) {
                code = Publication.run(options, launch(options), System.out);
            } else if (!options.profile().equals("none")) {
                profile(options, System.out);
                code = 0;
            } else {
                Report report = run(options, System.out);
                code = !report.failures.isEmpty() ? 2 : (options.strict() && !report.missedTargets.isEmpty() ? 1 : 0);
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            code = 3;
        }
        System.out.flush();
        System.exit(code);
    }

    static String usage() {
        StringBuilder text = new StringBuilder("usage: scripts/bench [--name=value ...]   (or BENCH_NAME=value)\n");
        Options.DEFAULTS.forEach((k, v) -> text.append(f("  --%-16s default: %s%n", k, v.isEmpty() ? "(none)" : v)));
        return text.toString();
    }

    // ---- the benchmark -----------------------------------------------------------------------------------------

    public static Report run(Options o, PrintStream out) {
        Report report = new Report();
        Target.Launch launch = launch(o);
        header(o, out);
        List<Target.Kind> needed = new ArrayList<>();
        if (o.throughput()) {
            needed.addAll(o.variants());
        }
        if (o.seed()) {
            o.sleepVariants().stream().filter(k -> !needed.contains(k)).forEach(needed::add);
        }
        if (o.startup()) {
            StartupBench.run(o, report, out);
        }
        Map<Target.Kind, Target> targets = new EnumMap<>(Target.Kind.class);
        try {
            for (Target.Kind kind : needed) {
                targets.put(kind, Target.start(kind, launch, o.workDir(), o.maxInFlight()));
            }
            if (o.throughput()) {
                throughput(o, targets, report, out);
            }
            if (o.seed()) {
                seed(o, targets, report, out);
            }
        } finally {
            targets.values().forEach(Target::close);
        }
        if (o.http()) {
            HttpBench.run(o, launch, report, out);
        }
        if (o.servers()) {
            ServerBench.run(o, launch, report, out);
        }
        out.println();
        if (report.failures.isEmpty()) {
            out.println("correctness: every request was answered successfully");
        } else {
            report.failures.forEach(p -> out.println("CORRECTNESS FAILURE: " + p));
        }
        out.println(report.missedTargets.isEmpty() ? "targets: all met" : "targets missed: " + String.join("; ", report.missedTargets));
        return report;
    }

    static Target.Launch launch(Options o) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new Target.Launch(java, o.jvmOptions(), o.classpath(), o.classpathB());
    }

    private static void header(Options o, PrintStream out) {
        out.println(f("Gatekit benchmark: Java %s, %d CPUs, JVM options for every process: %s", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), o.jvmOptions().isEmpty() ? "(defaults)" : String.join(" ", o.jvmOptions())));
        out.println("work dir (configs, stderr logs): " + o.workDir());
    }

    private static LineTemplate echo(Target.Kind kind, int payloadBytes) {
        String message = "x".repeat(Math.max(0, payloadBytes));
        return LineTemplate.of("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"tools/call\",\"params\":{\"name\":\"" + kind.echoTool
                + "\",\"arguments\":{\"message\":\"" + message + "\"}}}");
    }

    static LineTemplate sleep(Target.Kind kind, int ms) {
        return LineTemplate.of("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"tools/call\",\"params\":{\"name\":\"" + kind.sleepTool
                + "\",\"arguments\":{\"ms\":" + ms + "}}}");
    }

    /** CPU counters sampled at a window's edges: [client (this JVM), front (relay/gateway), demo server]. */
    private static LongSupplierArray cpu(Target target) {
        ProcessHandle self = ProcessHandle.current();
        ProcessHandle front = target.front().orElse(null);
        ProcessHandle demo = target.demo();
        return LongSupplierArray.of(() -> Target.cpuNanos(self), () -> Target.cpuNanos(front), () -> Target.cpuNanos(demo));
    }

    private static ClosedLoopResult loop(Options o, Target target, double warmupSeconds, double seconds) {
        return loop(o, target, o.window(), warmupSeconds, seconds);
    }

    /** A closed loop of echo calls with {@code window} in flight. */
    static ClosedLoopResult loop(Options o, Target target, int window, double warmupSeconds, double seconds) {
        long warm = (long) (warmupSeconds * 1e9);
        long measured = (long) (seconds * 1e9);
        // Room for 800k requests per second, well above what 2 cores reach (~350k direct); a capped run is reported.
        int capacity = (int) Math.min(20_000_000L, (long) ((warmupSeconds + seconds) * 800_000) + 10_000);
        return target.client.closedLoop(echo(target.kind, o.payloadBytes()), window, warm, measured,
                TimeUnit.SECONDS.toNanos(30), capacity, cpu(target));
    }

    private static void throughput(Options o, Map<Target.Kind, Target> targets, Report report, PrintStream out) {
        List<Target.Kind> variants = o.variants();
        out.println();
        out.println(f("== Throughput: tools/call echo (%d-byte message), closed loop, %d in flight; %d rounds x %.1f s per variant "
                + "(after %.1f s lead-in), order rotated each round; warm-up %.1f s per variant first",
                o.payloadBytes(), o.window(), o.rounds(), o.durationSeconds(), o.roundWarmupSeconds(), o.warmupSeconds()));
        for (Target.Kind kind : variants) {
            ClosedLoopResult warm = loop(o, targets.get(kind), 0, o.warmupSeconds());
            out.println(f("  warm-up %-8s %9.0f msgs/s", kind.label, warm.throughput()));
            check(report, kind.label + " warm-up", warm.totalSent(), warm.totalReceived(), warm.errors());
        }
        for (int round = 0; round < o.rounds(); round++) {
            for (int i = 0; i < variants.size(); i++) {
                Target.Kind kind = variants.get((i + round) % variants.size());
                Target target = targets.get(kind);
                ClosedLoopResult r = loop(o, target, o.roundWarmupSeconds(), o.durationSeconds());
                report.loops.computeIfAbsent(kind, k -> new ArrayList<>()).add(r);
                check(report, kind.label + " round " + (round + 1), r.totalSent(), r.totalReceived(), r.errors());
                if (r.capped()) {
                    report.failures.add(kind.label + " round " + (round + 1) + ": request capacity reached; results cover less than the window");
                }
                double[] cpu = cpuPerMessage(r);
                out.println(f("  round %d  %-8s %9.0f msgs/s   p50 %6.2f ms   p99 %6.2f ms   max %7.2f ms   cpu us/msg: client %5.1f  front %5.1f  demo %5.1f",
                        round + 1, kind.label, r.throughput(), r.percentileMillis(50), r.percentileMillis(99),
                        r.percentileMillis(100), cpu[0], cpu[1], cpu[2]));
            }
        }
        // Table: medians over rounds.
        out.println();
        out.println(f("  %-9s %10s %9s %9s   %-34s", "variant", "msgs/s", "p50 ms", "p99 ms", "cpu us/msg: client / front / demo / all servers"));
        for (Target.Kind kind : variants) {
            List<ClosedLoopResult> runs = report.loops.get(kind);
            double[] cpuClient = runs.stream().mapToDouble(r -> cpuPerMessage(r)[0]).toArray();
            double[] cpuFront = runs.stream().mapToDouble(r -> cpuPerMessage(r)[1]).toArray();
            double[] cpuDemo = runs.stream().mapToDouble(r -> cpuPerMessage(r)[2]).toArray();
            double[] cpuServers = runs.stream().mapToDouble(r -> cpuPerMessage(r)[1] + cpuPerMessage(r)[2]).toArray();
            out.println(f("  %-9s %10.0f %9.2f %9.2f   %6.1f / %5.1f / %5.1f / %5.1f", kind.label,
                    Stats.median(runs.stream().mapToDouble(ClosedLoopResult::throughput).toArray()),
                    Stats.median(runs.stream().mapToDouble(r -> r.percentileMillis(50)).toArray()),
                    Stats.median(runs.stream().mapToDouble(r -> r.percentileMillis(99)).toArray()),
                    Stats.median(cpuClient), Stats.median(cpuFront), Stats.median(cpuDemo), Stats.median(cpuServers)));
        }
        if (variants.contains(Target.Kind.GATEWAY) && variants.contains(Target.Kind.GATEWAY_NO_METRICS)) {
            metricsCost(report, out);
        }
        if (!variants.contains(Target.Kind.DIRECT)) {
            return;
        }
        out.println();
        for (Target.Kind kind : variants) {
            if (kind == Target.Kind.DIRECT) {
                continue;
            }
            double[] tput = ratios(report, kind, ClosedLoopResult::throughput);
            double[] p99 = ratios(report, kind, r -> r.percentileMillis(99));
            double[] p50 = ratios(report, kind, r -> r.percentileMillis(50));
            double tputRatio = Stats.median(tput);
            double p99Ratio = Stats.median(p99);
            out.println(f("  %s/direct: throughput %.3f  (rounds: %s)", kind.label, tputRatio, Stats.list(tput, "%.3f")));
            out.println(f("  %s/direct: p50 latency %.2fx, p99 latency %.2fx  (p99 rounds: %s)", kind.label,
                    Stats.median(p50), p99Ratio, Stats.list(p99, "%.2f")));
            if (kind == Target.Kind.GATEWAY_B && report.loops.containsKey(Target.Kind.GATEWAY)) {
                double[] ab = ratios(report, kind, Target.Kind.GATEWAY, ClosedLoopResult::throughput);
                double[] ab99 = ratios(report, kind, Target.Kind.GATEWAY, r -> r.percentileMillis(99));
                out.println(f("  gateway-b/gateway: throughput %.3f  (rounds: %s), p99 latency %.2fx", Stats.median(ab),
                        Stats.list(ab, "%.3f"), Stats.median(ab99)));
            }
            if (kind == Target.Kind.GATEWAY) {
                verdict(report, out, "gateway/direct throughput >= 0.85", tputRatio >= 0.85, f("%.3f", tputRatio));
                verdict(report, out, "gateway/direct p99 latency <= 1.5x", p99Ratio <= 1.5, f("%.2fx", p99Ratio));
            } else if (kind == Target.Kind.GATEWAY_GUIDED || kind == Target.Kind.GATEWAY_PII) {
                verdict(report, out, kind.label + "/direct throughput >= 0.75 (plugins on)", tputRatio >= 0.75,
                        f("%.3f", tputRatio));
            } else if (kind == Target.Kind.RELAY) {
                out.println(f("  [info] relay/direct is the calibration point (one extra process hop, no parsing): %.3f", tputRatio));
            }
        }
    }

    /**
     * What request metrics cost the gateway: its CPU per round trip with metrics on (gateway) and off (no-metrics),
     * medians over rounds, and the per-round ratio (rounds are interleaved, so machine noise hits both alike).
     */
    private static void metricsCost(Report report, PrintStream out) {
        double[] on = report.loops.get(Target.Kind.GATEWAY).stream().mapToDouble(r -> cpuPerMessage(r)[1]).toArray();
        double[] off = report.loops.get(Target.Kind.GATEWAY_NO_METRICS).stream().mapToDouble(r -> cpuPerMessage(r)[1])
                .toArray();
        double[] ratio = new double[Math.min(on.length, off.length)];
        for (int i = 0; i < ratio.length; i++) {
            ratio[i] = on[i] / off[i];
        }
        double cost = Stats.median(ratio) - 1;
        out.println();
        out.println(f("  metrics cost: gateway cpu %.1f us per round trip with metrics, %.1f without: %+.1f%% "
                + "(per-round ratios: %s)", Stats.median(on), Stats.median(off), cost * 100, Stats.list(ratio, "%.3f")));
        verdict(report, out, "metrics cost <= 3% of the gateway's cpu per round trip", cost <= 0.03, f("%+.1f%%", cost * 100));
    }

    private static double[] ratios(Report report, Target.Kind kind, java.util.function.ToDoubleFunction<ClosedLoopResult> metric) {
        return ratios(report, kind, Target.Kind.DIRECT, metric);
    }

    private static double[] ratios(Report report, Target.Kind kind, Target.Kind base,
            java.util.function.ToDoubleFunction<ClosedLoopResult> metric) {
        List<ClosedLoopResult> mine = report.loops.get(kind);
        List<ClosedLoopResult> direct = report.loops.get(base);
        double[] ratios = new double[Math.min(mine.size(), direct.size())];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = metric.applyAsDouble(mine.get(i)) / metric.applyAsDouble(direct.get(i));
        }
        return ratios;
    }

    /** CPU microseconds per answered message in the window: client, front process, demo server. */
    static double[] cpuPerMessage(ClosedLoopResult r) {
        double[] perMessage = new double[3];
        for (int i = 0; i < 3; i++) {
            long delta = r.cpuAtEnd()[i] - r.cpuAtStart()[i];
            perMessage[i] = r.answeredInWindow() == 0 ? Double.NaN : delta / 1e3 / r.answeredInWindow();
        }
        return perMessage;
    }

    private static void seed(Options o, Map<Target.Kind, Target> targets, Report report, PrintStream out) {
        List<Target.Kind> variants = o.sleepVariants();
        long timeout = TimeUnit.MILLISECONDS.toNanos(o.sleepMs()) + TimeUnit.SECONDS.toNanos(60);
        out.println();
        out.println(f("== Seed scenario: %d concurrent tools/call sleep ms=%d, all written at once; wall time until the last answer; "
                + "%d rounds, order alternated; one unmeasured burst (ms=100) per variant first",
                o.sleepCalls(), o.sleepMs(), o.sleepRounds()));
        for (Target.Kind kind : variants) {
            BurstResult warm = targets.get(kind).client.burst(sleep(kind, 100), o.sleepCalls(), timeout);
            out.println(f("  warm-up %-8s %d/%d ok in %.3f s", kind.label, warm.ok(), warm.requests(), warm.wallNanos() / 1e9));
            check(report, kind.label + " seed warm-up", warm.requests(), warm.answered(), warm.requests() - warm.ok());
            pause(300);
        }
        for (int round = 0; round < o.sleepRounds(); round++) {
            for (int i = 0; i < variants.size(); i++) {
                Target.Kind kind = variants.get((i + round) % variants.size());
                BurstResult b = targets.get(kind).client.burst(sleep(kind, o.sleepMs()), o.sleepCalls(), timeout);
                report.bursts.computeIfAbsent(kind, k -> new ArrayList<>()).add(b);
                check(report, kind.label + " seed round " + (round + 1), b.requests(), b.answered(), b.requests() - b.ok());
                out.println(f("  round %d  %-8s %5d/%d answered, %5d ok, wall %.3f s%s", round + 1, kind.label, b.answered(),
                        b.requests(), b.ok(), b.wallNanos() / 1e9, b.timedOut() ? "  (TIMED OUT)" : ""));
                pause(300);
            }
        }
        out.println();
        out.println(f("  %-9s %14s %12s   %s", "variant", "ok (worst)", "wall s", "rounds"));
        Map<Target.Kind, Double> walls = new EnumMap<>(Target.Kind.class);
        for (Target.Kind kind : variants) {
            List<BurstResult> runs = report.bursts.get(kind);
            double[] wall = runs.stream().mapToDouble(b -> b.wallNanos() / 1e9).toArray();
            int worst = runs.stream().mapToInt(BurstResult::ok).min().orElse(0);
            walls.put(kind, Stats.median(wall));
            out.println(f("  %-9s %8d/%-5d %12.3f   %s", kind.label, worst, o.sleepCalls(), Stats.median(wall), Stats.list(wall, "%.3f")));
        }
        if (walls.containsKey(Target.Kind.GATEWAY)) {
            boolean allOk = report.bursts.get(Target.Kind.GATEWAY).stream().allMatch(b -> b.ok() == b.requests());
            double limit = (o.sleepMs() + 500) / 1000.0; // the seed target: 1.5 s for ms=1000
            verdict(report, out, f("gateway: all %d answered successfully", o.sleepCalls()), allOk, "");
            verdict(report, out, f("gateway wall time <= %.2f s", limit), walls.get(Target.Kind.GATEWAY) <= limit,
                    f("%.3f s", walls.get(Target.Kind.GATEWAY)));
            if (walls.containsKey(Target.Kind.DIRECT)) {
                out.println(f("  [info] gateway/direct wall time: %.3f", walls.get(Target.Kind.GATEWAY) / walls.get(Target.Kind.DIRECT)));
            }
        }
    }

    private static void check(Report report, String what, long sent, long answered, long bad) {
        if (answered < sent) {
            report.failures.add(f("%s: %d of %d requests unanswered", what, sent - answered, sent));
        }
        if (bad > 0) {
            report.failures.add(f("%s: %d requests did not succeed", what, bad));
        }
    }

    static void verdict(Report report, PrintStream out, String target, boolean met, String value) {
        out.println(f("  [%s] %s%s", met ? "PASS" : "FAIL", target, value.isEmpty() ? "" : ": " + value));
        if (!met) {
            report.missedTargets.add(target + (value.isEmpty() ? "" : " (" + value + ")"));
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- profiling ---------------------------------------------------------------------------------------------

    /**
     * Records the front process (gateway or relay) and the demo server with JFR during a closed-loop run at
     * {@code window} in flight, then prints where their CPU goes, per message.
     */
    static void profile(Options o, PrintStream out) {
        Target.Kind kind = Target.Kind.parse(o.profile());
        Target.Launch launch = launch(o);
        header(o, out);
        try (Target target = Target.start(kind, launch, o.workDir(), o.maxInFlight())) {
            ClosedLoopResult warm = loop(o, target, 0, o.warmupSeconds());
            out.println(f("warm-up %s: %.0f msgs/s", kind.label, warm.throughput()));
            Map<String, ProcessHandle> recorded = new LinkedHashMap<>();
            target.front().ifPresent(p -> recorded.put(kind.label, p));
            recorded.put("demo", target.demo());
            Map<String, Path> files = new LinkedHashMap<>();
            for (Map.Entry<String, ProcessHandle> e : recorded.entrySet()) {
                Path file = o.workDir().resolve(e.getKey() + ".jfr");
                jcmd(e.getValue().pid(), jfrStart(o, file));
                files.put(e.getKey(), file);
            }
            ClosedLoopResult r = loop(o, target, 0.5, o.profileSeconds());
            for (ProcessHandle p : recorded.values()) {
                jcmd(p.pid(), List.of("JFR.stop", "name=gatekit-bench"));
            }
            double[] cpu = cpuPerMessage(r);
            out.println(f("profiled %s at %d in flight for %.1f s: %.0f msgs/s, p50 %.2f ms, p99 %.2f ms; "
                    + "cpu us/msg: client %.1f, %s %.1f, demo %.1f", kind.label, o.window(), o.profileSeconds(),
                    r.throughput(), r.percentileMillis(50), r.percentileMillis(99), cpu[0], kind.label, cpu[1], cpu[2]));
            for (Map.Entry<String, Path> e : files.entrySet()) {
                out.println();
                double perMessage = e.getKey().equals("demo") ? cpu[2] : cpu[1];
                try {
                    JfrSummary.print(e.getValue(), out, 25, perMessage, r.totalReceived());
                } catch (IOException ex) {
                    out.println("cannot read " + e.getValue() + ": " + ex.getMessage());
                }
            }
            out.println();
            out.println("recordings kept in " + o.workDir() + " (jfr print --events jdk.CPUTimeSample FILE, or JDK Mission Control)");
        }
    }

    static List<String> jfrStart(Options o, Path file) {
        List<String> args = new ArrayList<>(List.of("JFR.start", "name=gatekit-bench", "settings=profile",
                "filename=" + file));
        if (o.profileEvent().equals("cpu")) {
            args.add("jdk.CPUTimeSample#enabled=true");
            args.add("jdk.CPUTimeSample#throttle=1ms");
            args.add("jdk.ExecutionSample#enabled=false");
        } else {
            args.add("jdk.ExecutionSample#period=1ms");
        }
        return args;
    }

    static void jcmd(long pid, List<String> command) {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        argv.addAll(command);
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || output.contains("Could not")) {
                throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run jcmd: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
