package io.gatekit.bench;

import io.gatekit.bench.HttpConn.Endpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The HTTP benchmarks' load patterns over {@link HttpConn}s, one virtual thread per connection, every wait bounded:
 * legacy-era sessions (initialize + notifications/initialized), a closed loop of requests with a fixed number in
 * flight per session, a burst of concurrent requests released at once over pre-opened connections, and idle
 * keep-alive connections. A null session means requests without {@code Mcp-Session-Id} (the server benchmark's
 * bare endpoints).
 */
final class HttpLoad {
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"gatekit-bench\",\"version\":\"1\"}}}";
    private static final byte[] INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"
            .getBytes(StandardCharsets.US_ASCII);

    private HttpLoad() {}

    /** A request body with everything but the id pre-encoded ({@code "id":0} in the template marks the spot). */
    record Body(byte[] prefix, byte[] suffix) {
        static Body of(String json) {
            String marker = "\"id\":0";
            int at = json.indexOf(marker);
            if (at < 0 || json.indexOf(marker, at + 1) >= 0) {
                throw new IllegalArgumentException("template needs \"id\":0 exactly once: " + json);
            }
            int split = at + marker.length() - 1;
            return new Body(json.substring(0, split).getBytes(StandardCharsets.UTF_8),
                    json.substring(split + 1).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Opens one legacy-era session on {@code conn}: initialize, then notifications/initialized. Its id. */
    static String openSession(HttpConn conn, Endpoint endpoint) throws IOException {
        conn.post(endpoint.head(null), INITIALIZE.getBytes(StandardCharsets.US_ASCII), -1, null);
        if (!conn.resultOk() || conn.sessionId == null) {
            throw new IOException("initialize: HTTP " + conn.status + ", session " + conn.sessionId + ": " + conn.bodyText());
        }
        String session = conn.sessionId;
        conn.post(endpoint.head(session), INITIALIZED, -1, null);
        if (conn.status != 202 && conn.status != 200) {
            throw new IOException("notifications/initialized: HTTP " + conn.status + ": " + conn.bodyText());
        }
        return session;
    }

    /**
     * Opens {@code count} sessions with {@code parallel} connections (closed afterwards; the sessions stay), within
     * {@code timeoutNanos}. The ids of those that opened; failures are counted in {@code failures}.
     */
    static List<String> openSessions(Endpoint endpoint, int count, int parallel, long timeoutNanos, AtomicInteger failures) {
        ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        long deadline = System.nanoTime() + timeoutNanos;
        List<Thread> threads = new ArrayList<>();
        String[] firstError = new String[1];
        for (int t = 0; t < Math.max(1, parallel); t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try (HttpConn conn = new HttpConn(endpoint, 30_000)) {
                    while (next.getAndIncrement() < count && System.nanoTime() < deadline) {
                        try {
                            ids.add(openSession(conn, endpoint));
                        } catch (IOException | RuntimeException e) {
                            failures.incrementAndGet();
                            synchronized (firstError) {
                                if (firstError[0] == null) {
                                    firstError[0] = e.toString();
                                }
                            }
                        }
                    }
                }
            }));
        }
        joinAll(threads, deadline);
        if (firstError[0] != null) {
            System.err.println("bench: session open failed (first error): " + firstError[0]);
        }
        return new ArrayList<>(ids);
    }

    /** Result of one closed-loop run; latencies of the requests answered in the measured window. */
    record LoopResult(double seconds, long answeredInWindow, long errors, long failures, long[] sortedLatencies,
            long[] cpuAtStart, long[] cpuAtEnd, boolean capped) {
        double throughput() {
            return answeredInWindow / seconds;
        }

        double percentileMillis(double p) {
            return Stats.percentile(sortedLatencies, p) / 1e6;
        }

        /** CPU microseconds per answered message in the window, per sampled process. */
        double[] cpuPerMessage() {
            double[] per = new double[cpuAtStart.length];
            for (int i = 0; i < per.length; i++) {
                per[i] = answeredInWindow == 0 ? Double.NaN : (cpuAtEnd[i] - cpuAtStart[i]) / 1e3 / answeredInWindow;
            }
            return per;
        }
    }

    /**
     * A closed loop: for each session, {@code perSession} connections, each sending the next request as soon as
     * the previous is answered, for {@code warmNanos} unmeasured then {@code measureNanos} measured. At most
     * {@code maxRequests} in all; joined within {@code timeoutNanos} after the end (stragglers are aborted).
     * {@code cpu} counters are sampled at the measured window's edges.
     */
    static LoopResult closedLoop(Endpoint endpoint, List<String> sessions, int perSession, Body body, long warmNanos,
            long measureNanos, long timeoutNanos, long maxRequests, LongSupplier[] cpu) {
        int threads = sessions.size() * perSession;
        HttpConn[] conns = new HttpConn[threads];
        long[][] latencies = new long[threads][];
        int[] counts = new int[threads];
        AtomicLong errors = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong issued = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2]; // measure start, end (written before go)
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int me = i;
            String session = sessions.get(i / perSession);
            conns[i] = new HttpConn(endpoint, 30_000);
            latencies[i] = new long[4096];
            byte[] head = endpoint.head(session);
            workers.add(Thread.ofVirtual().start(() -> {
                HttpConn conn = conns[me];
                try {
                    conn.connect();
                } catch (IOException e) {
                    failures.incrementAndGet();
                }
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long start = window[0];
                long end = window[1];
                long id = (long) me * 1_000_000_000L;
                while (true) {
                    long sent = System.nanoTime();
                    if (sent >= end || issued.incrementAndGet() > maxRequests) {
                        break;
                    }
                    boolean ok;
                    try {
                        conn.post(head, body.prefix(), ++id, body.suffix());
                        ok = conn.resultOk();
                    } catch (IOException e) {
                        failures.incrementAndGet();
                        ok = false;
                        if (System.nanoTime() >= end) {
                            break;
                        }
                    }
                    long done = System.nanoTime();
                    if (done >= start && done < end) {
                        if (!ok) {
                            errors.incrementAndGet();
                        }
                        if (counts[me] == latencies[me].length) {
                            latencies[me] = Arrays.copyOf(latencies[me], counts[me] * 2);
                        }
                        latencies[me][counts[me]++] = done - sent;
                    }
                }
                conn.close();
            }));
        }
        sleepMillis(100); // let the connections open before the clock starts
        long t0 = System.nanoTime();
        window[0] = t0 + warmNanos;
        window[1] = window[0] + measureNanos;
        go.countDown();
        long[] cpuStart = sampleAt(window[0], cpu);
        long[] cpuEnd = sampleAt(window[1], cpu);
        boolean joined = joinAll(workers, window[1] + timeoutNanos);
        if (!joined) {
            for (HttpConn c : conns) {
                c.abort();
            }
            joinAll(workers, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
            failures.incrementAndGet();
        }
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        long[] all = new long[total];
        int at = 0;
        for (int i = 0; i < threads; i++) {
            System.arraycopy(latencies[i], 0, all, at, counts[i]);
            at += counts[i];
        }
        Arrays.sort(all);
        return new LoopResult(measureNanos / 1e9, total, errors.get(), failures.get(), all, cpuStart, cpuEnd,
                issued.get() > maxRequests);
    }

    /** Result of one burst: how many answered, how many with a result, wall time until the last answer. */
    record BurstResult(int requests, int answered, int ok, long wallNanos, long connectNanos, boolean timedOut,
            String firstProblem, long p50Nanos, long p99Nanos, long[] cpuNanos) {}

    private static final Body PING = Body.of("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"ping\"}");

    /**
     * {@code calls} concurrent requests spread round-robin over {@code sessions}, each on its own connection opened
     * beforehand (at most {@code connectParallel} connects at once), all released at once; the wall time runs from
     * the release to the last answer. Bounded by {@code timeoutNanos} after the release (then every connection is
     * aborted).
     */
    static BurstResult burst(Endpoint endpoint, List<String> sessions, int calls, Body body, int connectParallel,
            long timeoutNanos, LongSupplier[] cpu) {
        HttpConn[] conns = new HttpConn[calls];
        long[] doneAt = new long[calls];
        boolean[] ok = new boolean[calls];
        boolean[] answered = new boolean[calls];
        byte[][] heads = new byte[sessions.size()][];
        for (int s = 0; s < heads.length; s++) {
            heads[s] = endpoint.head(sessions.get(s));
        }
        Semaphore connecting = new Semaphore(Math.max(1, connectParallel));
        CountDownLatch ready = new CountDownLatch(calls);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(calls);
        String[] firstProblem = new String[1];
        long connectStart = System.nanoTime();
        List<Thread> threads = new ArrayList<>(calls);
        for (int i = 0; i < calls; i++) {
            int me = i;
            conns[i] = new HttpConn(endpoint, (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + 5_000));
            threads.add(Thread.ofVirtual().start(() -> {
                HttpConn conn = conns[me];
                try {
                    boolean permit = connecting.tryAcquire(30, TimeUnit.SECONDS);
                    try {
                        // Primed before the clock starts: the burst then measures the server, not the kernel's
                        // accept queue.
                        connectPrimed(conn, heads[me % heads.length], 2_000_000_000L + me);
                    } finally {
                        if (permit) {
                            connecting.release();
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    note(firstProblem, "connect: " + e);
                } finally {
                    ready.countDown();
                }
                try {
                    go.await();
                    conn.post(heads[me % heads.length], body.prefix(), me + 1, body.suffix());
                    doneAt[me] = System.nanoTime();
                    answered[me] = true;
                    ok[me] = conn.resultOk();
                    if (!ok[me]) {
                        note(firstProblem, "HTTP " + conn.status + ": " + conn.bodyText());
                    }
                } catch (IOException | InterruptedException e) {
                    note(firstProblem, e.toString());
                } finally {
                    conn.close();
                    finished.countDown();
                }
            }));
        }
        await(ready, 60);
        long t0 = System.nanoTime();
        long connectNanos = t0 - connectStart;
        long[] cpuStart = sampleAt(0, cpu);
        go.countDown();
        boolean timedOut = !await(finished, TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + 1);
        long[] cpuUsed = sampleAt(0, cpu);
        for (int i = 0; i < cpuUsed.length; i++) {
            cpuUsed[i] -= cpuStart[i];
        }
        if (timedOut) {
            for (HttpConn c : conns) {
                c.abort();
            }
        }
        joinAll(threads, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        int nAnswered = 0;
        int nOk = 0;
        long last = t0;
        long[] times = new long[calls];
        for (int i = 0; i < calls; i++) {
            if (answered[i]) {
                times[nAnswered++] = doneAt[i] - t0;
                last = Math.max(last, doneAt[i]);
            }
            if (ok[i]) {
                nOk++;
            }
        }
        long[] sorted = Arrays.copyOf(times, nAnswered);
        Arrays.sort(sorted);
        return new BurstResult(calls, nAnswered, nOk, last - t0, connectNanos, timedOut, firstProblem[0],
                Stats.percentile(sorted, 50), Stats.percentile(sorted, 99), cpuUsed);
    }

    /**
     * Connects {@code conn} and primes it with a ping, so that it is accepted and in use at the HTTP level, as a
     * client's keep-alive connection would be. Throws when the ping is not answered with HTTP 200.
     */
    static void connectPrimed(HttpConn conn, byte[] head, long id) throws IOException {
        conn.connect();
        conn.post(head, PING.prefix(), id, PING.suffix());
        if (conn.status != 200) {
            throw new IOException("ping: HTTP " + conn.status + ": " + conn.bodyText());
        }
    }

    /**
     * Opens {@code count} keep-alive connections without a session, each primed ({@link #connectPrimed}) and then
     * left idle, with {@code parallel} connecting at once, within {@code timeoutNanos}. The caller closes those
     * returned; failures are counted in {@code failures}.
     */
    static List<HttpConn> openIdle(Endpoint endpoint, int count, int parallel, long timeoutNanos, AtomicInteger failures) {
        ConcurrentLinkedQueue<HttpConn> open = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        long deadline = System.nanoTime() + timeoutNanos;
        byte[] head = endpoint.head(null);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < Math.max(1, parallel); t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                int me;
                while ((me = next.getAndIncrement()) < count && System.nanoTime() < deadline) {
                    HttpConn conn = new HttpConn(endpoint, 30_000);
                    try {
                        connectPrimed(conn, head, me + 1);
                        open.add(conn);
                    } catch (IOException e) {
                        conn.close();
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        joinAll(threads, deadline);
        return new ArrayList<>(open);
    }

    private static void note(String[] first, String problem) {
        synchronized (first) {
            if (first[0] == null) {
                first[0] = problem.length() > 300 ? problem.substring(0, 300) + "..." : problem;
            }
        }
    }

    private static long[] sampleAt(long at, LongSupplier[] cpu) {
        long wait = at - System.nanoTime();
        if (wait > 0) {
            sleepMillis(TimeUnit.NANOSECONDS.toMillis(wait));
            while (System.nanoTime() < at) {
                Thread.onSpinWait();
            }
        }
        long[] values = new long[cpu.length];
        for (int i = 0; i < cpu.length; i++) {
            values[i] = cpu[i].getAsLong();
        }
        return values;
    }

    private static boolean await(CountDownLatch latch, long seconds) {
        try {
            return latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Joins every thread by {@code deadline} (nanoTime); whether all ended. */
    static boolean joinAll(List<Thread> threads, long deadline) {
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !t.join(java.time.Duration.ofNanos(left))) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
