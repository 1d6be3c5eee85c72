package io.gatekit.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A lean JSON-RPC load generator over one stdio connection, built so that the client is never the bottleneck:
 *
 * <ul>
 *   <li>One writer (the calling thread) writes pre-encoded request lines, with only the id's digits filled in,
 *       through a 64 KiB {@link BufferedOutputStream}, and flushes once per batch.</li>
 *   <li>One reader (a platform thread, alive as long as the connection) scans each chunk it reads for newlines
 *       and parses only the numeric {@code "id"} of each line and whether an {@code "error"} follows it. It takes
 *       one timestamp per chunk and publishes its counters once per chunk, waking the writer if it waits.</li>
 *   <li>Latencies go into a {@code long[]} indexed by request; nothing is allocated per request.</li>
 * </ul>
 *
 * Ids are unique over the life of the connection. Every wait is bounded in time. Not thread-safe: one thread
 * drives it.
 */
public final class LoadClient implements AutoCloseable {
    private static final int READ_CHUNK = 256 * 1024;
    private static final int MAX_LINE = 16 * 1024 * 1024;
    private static final byte[] ID_KEY = "\"id\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR_KEY = "\"error\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] METHOD_KEY = "\"method\"".getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final OutputStream out;
    private final Thread reader;
    private final byte[] digits = new byte[20];
    private long nextId = 1;
    private volatile Run current;
    private volatile boolean eof;
    private volatile long strays;
    private volatile long unparsed;
    private volatile long serverMessages;

    /** A request line with everything but the id pre-encoded. */
    public record LineTemplate(byte[] prefix, byte[] suffix) {
        /** {@code json} must contain {@code "id":0} exactly once; the 0 is where each id goes. */
        public static LineTemplate of(String json) {
            String marker = "\"id\":0";
            int at = json.indexOf(marker);
            if (at < 0 || json.indexOf(marker, at + 1) >= 0) {
                throw new IllegalArgumentException("template needs \"id\":0 exactly once: " + json);
            }
            int split = at + marker.length() - 1;
            return new LineTemplate(json.substring(0, split).getBytes(StandardCharsets.UTF_8),
                    (json.substring(split + 1) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * One measured run: requests {@code base .. base+capacity-1}. The writer fills {@code sentNanos}; the reader
     * fills {@code latencyNanos} (0 = not answered yet).
     */
    public static final class Run {
        final long base;
        final int capacity;
        final long[] sentNanos;
        final long[] latencyNanos;
        final boolean[] failed;
        int sent; // writer only
        volatile long received; // written by the reader only, once per chunk
        volatile long errors; // written by the reader only, once per chunk
        volatile long lastReceivedNanos;
        volatile Thread waiter;

        Run(long base, int capacity) {
            this.base = base;
            this.capacity = capacity;
            this.sentNanos = new long[capacity];
            this.latencyNanos = new long[capacity];
            this.failed = new boolean[capacity];
        }

        public int sent() {
            return sent;
        }

        public long received() {
            return received;
        }

        public long errors() {
            return errors;
        }

        /** Latencies (ns) of the answered requests among indexes {@code [from, to)}, sorted. */
        public long[] sortedLatencies(int from, int to) {
            long[] values = new long[Math.max(0, to - from)];
            int n = 0;
            for (int i = from; i < to; i++) {
                if (latencyNanos[i] > 0) {
                    values[n++] = latencyNanos[i];
                }
            }
            long[] answered = Arrays.copyOf(values, n);
            Arrays.sort(answered);
            return answered;
        }

        int answeredOk(int from, int to) {
            int ok = 0;
            for (int i = from; i < to; i++) {
                if (latencyNanos[i] > 0 && !failed[i]) {
                    ok++;
                }
            }
            return ok;
        }
    }

    /** What a closed-loop run measured inside its window (after warm-up). */
    public record ClosedLoopResult(long windowNanos, long answeredInWindow, int sentInWindow, int answeredOfWindow,
            int okOfWindow, long[] sortedLatencies, long totalSent, long totalReceived, long errors, boolean capped,
            long[] cpuAtStart, long[] cpuAtEnd) {

        public double throughput() {
            return answeredInWindow * 1e9 / windowNanos;
        }

        public double percentileMillis(double p) {
            return Stats.percentile(sortedLatencies, p) / 1e6;
        }
    }

    /** What a burst measured. */
    public record BurstResult(int requests, long answered, int ok, long errors, long wallNanos, boolean timedOut) {}

    public LoadClient(String name, InputStream in, OutputStream out) {
        this.name = name;
        this.out = new BufferedOutputStream(out, 64 * 1024);
        this.reader = Thread.ofPlatform().daemon().name("bench-reader-" + name).start(() -> readLoop(in));
    }

    public String name() {
        return name;
    }

    /** Sends {@code initialize} and waits (bounded) for its answer, then {@code notifications/initialized}. */
    public void handshake(long timeoutNanos) {
        LineTemplate init = LineTemplate.of("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
                + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"gatekit-bench\",\"version\":\"1\"}}}");
        BurstResult result = burst(init, 1, timeoutNanos);
        if (result.ok() != 1) {
            throw new IllegalStateException(name + ": initialize was not answered successfully: " + result);
        }
        writeRaw("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
    }

    /**
     * Closed loop: keeps {@code window} requests outstanding, sending a new one for each answer, for
     * {@code warmupNanos} then {@code durationNanos}; then stops sending and waits (at most {@code drainNanos})
     * for the rest. Throughput counts answers received inside the window; latencies are those of requests sent
     * inside it. {@code cpu} is sampled at the window's edges (per-process CPU time in ns).
     */
    public ClosedLoopResult closedLoop(LineTemplate template, int window, long warmupNanos, long durationNanos,
            long drainNanos, int capacity, LongSupplierArray cpu) {
        Run run = begin(capacity);
        long start = System.nanoTime();
        long windowStart = start + warmupNanos;
        long windowEnd = windowStart + durationNanos;
        boolean inWindow = false;
        long receivedAtStart = 0;
        long receivedAtEnd;
        long tStart = 0;
        long tEnd;
        int firstOfWindow = 0;
        long[] cpuStart = null;
        boolean capped = false;
        try {
            while (true) {
                long now = System.nanoTime();
                if (!inWindow && now >= windowStart) {
                    inWindow = true;
                    cpuStart = cpu.sample();
                    tStart = System.nanoTime();
                    receivedAtStart = run.received;
                    firstOfWindow = run.sent;
                }
                if (now >= windowEnd || eof) {
                    break;
                }
                if (run.sent >= capacity) {
                    capped = true;
                    break;
                }
                long outstanding = run.sent - run.received;
                int room = (int) Math.min(window - outstanding, capacity - run.sent);
                if (room <= 0) {
                    out.flush();
                    run.waiter = Thread.currentThread();
                    if (run.sent - run.received >= window) {
                        LockSupport.parkNanos(500_000); // bounded: re-checks the clock at least every 0.5 ms
                    }
                    run.waiter = null;
                    continue;
                }
                long stamp = System.nanoTime();
                for (int k = 0; k < room; k++) {
                    int index = run.sent;
                    run.sentNanos[index] = stamp;
                    writeRequest(template, run.base + index);
                    run.sent = index + 1;
                }
                out.flush();
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": write failed", e);
        }
        tEnd = System.nanoTime();
        receivedAtEnd = run.received;
        long[] cpuEnd = cpu.sample();
        int lastOfWindow = run.sent;
        if (!inWindow) {
            tStart = tEnd;
            cpuStart = cpuEnd;
        }
        awaitAll(run, System.nanoTime() + drainNanos);
        current = null;
        return new ClosedLoopResult(tEnd - tStart, receivedAtEnd - receivedAtStart, lastOfWindow - firstOfWindow,
                run.sortedLatencies(firstOfWindow, lastOfWindow).length, run.answeredOk(firstOfWindow, lastOfWindow),
                run.sortedLatencies(firstOfWindow, lastOfWindow), run.sent, run.received, run.errors, capped,
                cpuStart, cpuEnd);
    }

    /**
     * Sends {@code count} requests as fast as the pipe takes them and waits (bounded) until all are answered.
     * Wall time runs from the first write to the last answer.
     */
    public BurstResult burst(LineTemplate template, int count, long timeoutNanos) {
        Run run = begin(count);
        long start = System.nanoTime();
        long deadline = start + timeoutNanos;
        try {
            for (int i = 0; i < count && !eof; i++) {
                run.sentNanos[i] = start;
                writeRequest(template, run.base + i);
                run.sent = i + 1;
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": write failed", e);
        }
        boolean complete = awaitAll(run, deadline);
        current = null;
        long wall = run.received == 0 ? 0 : run.lastReceivedNanos - start;
        return new BurstResult(count, run.received, run.answeredOk(0, count), run.errors, wall, !complete);
    }

    private Run begin(int capacity) {
        Run run = new Run(nextId, capacity);
        nextId += capacity;
        current = run;
        return run;
    }

    /** Waits until every sent request of {@code run} is answered; false at the deadline or end of input. */
    private boolean awaitAll(Run run, long deadlineNanos) {
        while (run.received < run.sent) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || eof) {
                return run.received >= run.sent;
            }
            run.waiter = Thread.currentThread();
            if (run.received < run.sent) {
                LockSupport.parkNanos(Math.min(left, 1_000_000));
            }
            run.waiter = null;
        }
        return true;
    }

    private void writeRequest(LineTemplate template, long id) throws IOException {
        out.write(template.prefix());
        int at = digits.length;
        long v = id;
        do {
            digits[--at] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
        out.write(digits, at, digits.length - at);
        out.write(template.suffix());
    }

    private void writeRaw(String line) {
        try {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": write failed", e);
        }
    }

    // ---- reader ------------------------------------------------------------------------------------------------

    private void readLoop(InputStream in) {
        byte[] buffer = new byte[READ_CHUNK];
        int start = 0;
        int end = 0;
        try {
            while (true) {
                if (end == buffer.length) {
                    if (start > 0) {
                        System.arraycopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    } else if (buffer.length < MAX_LINE) {
                        buffer = Arrays.copyOf(buffer, buffer.length * 2);
                    } else {
                        start = end = 0; // a line beyond any sane size: drop it
                        unparsed++;
                    }
                }
                int n = in.read(buffer, end, buffer.length - end);
                if (n <= 0) {
                    break;
                }
                long now = System.nanoTime();
                end += n;
                Run run = current;
                long received = run == null ? 0 : run.received;
                long errors = run == null ? 0 : run.errors;
                int lineStart = start;
                for (int i = end - n; i < end; i++) {
                    if (buffer[i] == '\n') {
                        int outcome = onLine(run, buffer, lineStart, i, now);
                        if (outcome > 0) {
                            received++;
                            if (outcome == 2) {
                                errors++;
                            }
                        }
                        lineStart = i + 1;
                    }
                }
                start = lineStart;
                if (start == end) {
                    start = end = 0;
                }
                if (run != null) {
                    run.errors = errors;
                    if (received != run.received) {
                        run.lastReceivedNanos = now;
                        run.received = received;
                    }
                    Thread waiter = run.waiter;
                    if (waiter != null) {
                        LockSupport.unpark(waiter);
                    }
                }
            }
        } catch (IOException e) {
            // the peer went away
        } finally {
            eof = true;
            Run run = current;
            if (run != null && run.waiter != null) {
                LockSupport.unpark(run.waiter);
            }
        }
    }

    /** 0: not an answer to a request of the current run; 1: answered with a result; 2: answered with an error. */
    private int onLine(Run run, byte[] b, int from, int to, long now) {
        int key = indexOf(b, from, to, ID_KEY);
        if (key < 0) {
            serverMessages++; // a notification
            return 0;
        }
        int i = key + ID_KEY.length;
        while (i < to && b[i] == ' ') {
            i++;
        }
        long id = 0;
        int digitsStart = i;
        while (i < to && b[i] >= '0' && b[i] <= '9') {
            id = id * 10 + (b[i] - '0');
            i++;
        }
        if (i == digitsStart) {
            unparsed++; // a string or null id: not one of ours
            return 0;
        }
        if (indexOf(b, from, to, METHOD_KEY) >= 0) {
            serverMessages++; // a request from the server: not expected for echo/sleep, left unanswered
            return 0;
        }
        if (run == null) {
            strays++;
            return 0;
        }
        long index = id - run.base;
        if (index < 0 || index >= run.sent || run.latencyNanos[(int) index] != 0) {
            strays++;
            return 0;
        }
        int k = (int) index;
        // sentNanos[k] was written before the request's bytes went into the pipe, so it is set by now.
        run.latencyNanos[k] = Math.max(1, now - run.sentNanos[k]);
        int next = skipToKey(b, i, to);
        boolean error = next >= 0 && indexOf(b, next, Math.min(to, next + ERROR_KEY.length), ERROR_KEY) == next;
        if (error) {
            run.failed[k] = true;
            return 2;
        }
        return 1;
    }

    /** Where the next member name after the id starts (the '"' after the comma), or -1. */
    private static int skipToKey(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '"') {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] b, int from, int to, byte[] needle) {
        int last = to - needle.length;
        byte first = needle[0];
        outer:
        for (int i = from; i <= last; i++) {
            if (b[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Lines that carried no id of ours: answers to no current request, unparsable ids, server messages. */
    public String diagnostics() {
        return "strays=" + strays + " unparsed=" + unparsed + " serverMessages=" + serverMessages + " eof=" + eof;
    }

    public boolean isClosed() {
        return eof;
    }

    /** Closes our side of the connection (the peer sees end of input); the reader ends with the peer. */
    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // the peer is gone already
        }
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Samples several CPU counters at once (ns per process). */
    @FunctionalInterface
    public interface LongSupplierArray {
        long[] sample();

        static LongSupplierArray of(LongSupplier... suppliers) {
            return () -> {
                long[] values = new long[suppliers.length];
                for (int i = 0; i < suppliers.length; i++) {
                    values[i] = suppliers[i].getAsLong();
                }
                return values;
            };
        }
    }
}
