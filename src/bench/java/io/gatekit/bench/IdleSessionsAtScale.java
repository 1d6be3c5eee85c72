package io.gatekit.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The memory target measured as stated rather than projected: one fresh Gatekit HTTP face holds
 * {@code sessions} idle sessions (initialize + notifications/initialized, then nothing) at once, and its whole VmRSS
 * is read after a forced collection. A projection from a thousand sessions counts the heap the JVM commits while
 * sessions are being opened (garbage of the handshakes, kept committed) as if each session held it.
 */
final class IdleSessionsAtScale {

    /**
     * @param rssBytes the front process's whole VmRSS with every session open, after a forced collection
     * @param baseRssBytes its VmRSS after start-up and one session, after a forced collection
     * @param heapUsedBytes the Java heap in use after that collection (live data, every session's included)
     */
    record Outcome(int requested, int opened, double seconds, long baseRssBytes, long rssBytes, long heapUsedBytes) {
        double kbPerSessionOfHeap(long baseHeapBytes) {
            return (heapUsedBytes - baseHeapBytes) / 1e3 / Math.max(1, opened);
        }
    }

    private IdleSessionsAtScale() {}

    static Outcome run(Target.Launch launch, Path workDir, int sessions, PrintStream out) {
        out.println();
        out.println("== idle HTTP sessions at scale: " + sessions + " sessions held open at once by one gateway, whole VmRSS after a forced GC");
        String yaml = HttpTarget.gatekitConfig(launch, sessions + 1_000);
        try (HttpTarget gatekit = HttpTarget.startGatekit(launch, workDir, yaml)) {
            long baseRss = HttpBench.settledRss(gatekit);
            long baseHeap = gatekit.heapUsedBytes();
            AtomicInteger failures = new AtomicInteger();
            long start = System.nanoTime();
            List<String> opened = HttpLoad.openSessions(gatekit.endpoint, sessions, 16, TimeUnit.MINUTES.toNanos(10), failures);
            double seconds = (System.nanoTime() - start) / 1e9;
            long rss = HttpBench.settledRss(gatekit);
            long heap = gatekit.heapUsedBytes();
            Outcome outcome = new Outcome(sessions, opened.size(), seconds, baseRss, rss, heap);
            out.println(String.format("  %d/%d opened in %.1f s (%.0f/s); VmRSS %.1f MB after start-up, %.1f MB holding them"
                    + " (%.3f MB per session beyond start-up); Java heap in use %.1f MB -> %.1f MB (%.2f KB per session)",
                    opened.size(), sessions, seconds, opened.size() / seconds, baseRss / 1e6, rss / 1e6,
                    (rss - baseRss) / 1e6 / Math.max(1, opened.size()), baseHeap / 1e6, heap / 1e6,
                    outcome.kbPerSessionOfHeap(baseHeap)));
            return outcome;
        }
    }
}
