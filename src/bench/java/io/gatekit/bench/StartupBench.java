package io.gatekit.bench;

import static io.gatekit.bench.Stats.f;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cold start of the stdio gateway as a desktop client sees it ({@code scripts/bench --only=startup}; ADR 0019): spawn
 * {@code gatekit gateway} with the embedded default config, write {@code initialize} at once, and time until its
 * answer arrives. Each variant is a way of starting it:
 * <ul>
 *   <li>{@code launcher}: {@code ./gatekit gateway}, the repository's launcher (flags, AOT cache when present);</li>
 *   <li>{@code dist}: {@code target/dist/gatekit-<version>-linux-x64/bin/gatekit gateway}, the self-contained
 *       distribution of {@code scripts/dist} (skipped when it has not been built);</li>
 *   <li>{@code plain}: {@code java -jar target/gatekit.jar gateway} with no flags and no cache, the reference;</li>
 *   <li>{@code baseline}: the launcher of another checkout ({@code --startup-baseline=DIR}), for before/after.</li>
 * </ul>
 * What the time includes: the gateway answers {@code initialize} with the capabilities its upstreams offer, so
 * {@code routing.Lifecycle} waits (up to {@code connection_timeout}) for every upstream's first start attempt; the
 * embedded default's upstream is the demo server, a second JVM the gateway spawns once its config is loaded. The
 * figure is therefore gateway start + config + demo server start + both handshakes. Runs are interleaved across
 * variants (order rotated), after one unmeasured run each (the page cache, a first build); medians over runs. After
 * the answer the client sends {@code notifications/initialized} and stays idle: the gateway's VmRSS is read right
 * after the handshake and after {@code --startup-idle} seconds, the demo server's beside it. CPU is the gateway's and
 * its children's user+system time until the answer: a figure less sensitive to other load on the machine than the
 * wall time.
 */
final class StartupBench {
    static final double TARGET_SECONDS = 0.4;
    static final double TARGET_IDLE_MB = 80;
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"gatekit-bench\",\"version\":\"1\"}}}\n";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";

    private StartupBench() {}

    /** One measured start. */
    record Run(double seconds, double cpuSeconds, double rssAfterHandshakeMb, double rssIdleMb, double demoRssIdleMb) {}

    /** A way of starting the gateway: a label and a command run from the repository root. */
    record Variant(String label, List<String> command) {}

    static void run(StdioBench.Options o, StdioBench.Report report, PrintStream out) {
        if (o.startupRuns() <= 0) {
            return;
        }
        Path root = Path.of("").toAbsolutePath();
        List<Variant> variants = variants(o, root, out);
        out.println();
        out.println(f("== Cold start: spawn `gatekit gateway` (stdio, embedded default config: the demo server as its upstream), "
                + "write initialize at once, time to its answer; %d runs per variant, interleaved, after one unmeasured run each; "
                + "VmRSS right after the handshake and after %.0f s idle", o.startupRuns(), o.startupIdleSeconds()));
        out.println("   (initialize waits for every upstream's first start attempt: the time includes the demo server's own JVM start)");
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        for (Variant v : variants) {
            Run warm = measure(v, root, o, o.workDir());
            out.println(f("  warm-up %-9s %.3f s", v.label(), warm.seconds()));
            runs.put(v.label(), new ArrayList<>());
        }
        for (int i = 0; i < o.startupRuns(); i++) {
            for (int k = 0; k < variants.size(); k++) {
                Variant v = variants.get((k + i) % variants.size());
                Run r = measure(v, root, o, o.workDir());
                runs.get(v.label()).add(r);
                out.println(f("  run %2d  %-9s %.3f s  cpu %.2f s  rss %.0f MB -> idle %.0f MB (demo server %.0f MB)", i + 1,
                        v.label(), r.seconds(), r.cpuSeconds(), r.rssAfterHandshakeMb(), r.rssIdleMb(), r.demoRssIdleMb()));
            }
        }
        out.println();
        out.println(f("  %-9s %-24s %-20s %-22s %-22s %s", "variant", "initialize answer, s", "cpu until then, s",
                "gateway rss, MB", "gateway idle rss, MB", "demo idle rss, MB"));
        for (Variant v : variants) {
            List<Run> rs = runs.get(v.label());
            out.println(f("  %-9s %-24s %-20s %-22s %-22s %s", v.label(),
                    Stats.spread(values(rs, Run::seconds), "%.3f"), Stats.spread(values(rs, Run::cpuSeconds), "%.2f"),
                    Stats.spread(values(rs, Run::rssAfterHandshakeMb), "%.0f"), Stats.spread(values(rs, Run::rssIdleMb), "%.0f"),
                    Stats.spread(values(rs, Run::demoRssIdleMb), "%.0f")));
        }
        for (Variant v : variants) {
            if (!v.label().equals("launcher") && !v.label().equals("dist")) {
                continue;
            }
            double seconds = Stats.median(values(runs.get(v.label()), Run::seconds));
            double idle = Stats.median(values(runs.get(v.label()), Run::rssIdleMb));
            StdioBench.verdict(report, out, f("%s: cold start to the initialize answer <= %.1f s", v.label(), TARGET_SECONDS),
                    seconds <= TARGET_SECONDS, f("%.3f s", seconds));
            StdioBench.verdict(report, out, f("%s: gateway idle RSS <= %.0f MB", v.label(), TARGET_IDLE_MB),
                    idle <= TARGET_IDLE_MB, f("%.0f MB", idle));
        }
        out.println(f("  [info] load average when done: %s (the wall times stretch with other load on the machine; the cpu column less so)",
                loadAverage()));
    }

    static List<Variant> variants(StdioBench.Options o, Path root, PrintStream out) {
        List<Variant> variants = new ArrayList<>();
        for (String name : o.startupVariants()) {
            switch (name) {
                case "launcher" -> variants.add(new Variant(name, List.of(root.resolve("gatekit").toString(), "gateway")));
                case "plain" -> variants.add(new Variant(name, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar", root.resolve("target/gatekit.jar").toString(), "gateway")));
                case "dist" -> {
                    Path launcher = distLauncher(root);
                    if (launcher == null) {
                        out.println("  [info] dist: no target/dist/gatekit-*/bin/gatekit (scripts/dist builds it); skipped");
                    } else {
                        variants.add(new Variant(name, List.of(launcher.toString(), "gateway")));
                    }
                }
                case "baseline" -> {
                    if (o.startupBaseline().isBlank()) {
                        out.println("  [info] baseline: no --startup-baseline=DIR (another checkout's root); skipped");
                    } else {
                        variants.add(new Variant(name, List.of(Path.of(o.startupBaseline()).toAbsolutePath().resolve("gatekit").toString(), "gateway")));
                    }
                }
                default -> throw new IllegalArgumentException("unknown startup variant '" + name + "' (launcher, dist, plain, baseline)");
            }
        }
        return variants;
    }

    private static Path distLauncher(Path root) {
        try (var dirs = Files.list(root.resolve("target/dist"))) {
            return dirs.filter(Files::isDirectory).map(d -> d.resolve("bin/gatekit")).filter(Files::isExecutable)
                    .findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** Starts the variant, measures one cold start, and stops it (stdin closed, as a client that quits). */
    static Run measure(Variant v, Path root, StdioBench.Options o, Path workDir) {
        Path stderr = workDir.resolve("startup-" + v.label() + "-stderr.log");
        try {
            long start = System.nanoTime();
            Process process = new ProcessBuilder(v.command()).directory(root.toFile()).redirectError(stderr.toFile()).start();
            OutputStream stdin = process.getOutputStream();
            stdin.write(INITIALIZE.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = stdout.readLine();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (line == null || !line.contains("\"id\":1") || !line.contains("\"result\"")) {
                process.destroyForcibly();
                throw new IllegalStateException(v.label() + ": no initialize result, got " + line + "\n--- stderr tail:\n"
                        + Target.tail(stderr));
            }
            ProcessHandle gateway = process.toHandle();
            double cpu = (Target.cpuNanos(gateway) + gateway.descendants().mapToLong(Target::cpuNanos).sum()) / 1e9;
            double rss = Target.rssBytes(gateway.pid()) / 1e6;
            stdin.write(INITIALIZED.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            Thread.sleep((long) (o.startupIdleSeconds() * 1000)); // the idle period is what is measured, not a wait for an event
            double idle = Target.rssBytes(gateway.pid()) / 1e6;
            double demoIdle = gateway.descendants().filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                    .mapToDouble(p -> Target.rssBytes(p.pid()) / 1e6).max().orElse(Double.NaN);
            List<ProcessHandle> all = gateway.descendants().toList();
            stdin.close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            return new Run(seconds, cpu, rss, idle, demoIdle);
        } catch (IOException e) {
            throw new UncheckedIOException(v.label() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static double[] values(List<Run> runs, java.util.function.ToDoubleFunction<Run> metric) {
        return runs.stream().mapToDouble(metric).toArray();
    }

    private static String loadAverage() {
        try {
            return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
