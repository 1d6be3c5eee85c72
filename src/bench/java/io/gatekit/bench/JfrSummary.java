package io.gatekit.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Aggregates a JFR recording into the views a hot-path review needs: CPU samples by thread, by top frame
 * (self), by package (self), inclusive by Gatekit method, attributed to the nearest Gatekit frame; allocation
 * samples by class and by Gatekit frame; GC pauses and context switches. Uses {@code jdk.CPUTimeSample} when the
 * recording has it (CPU time, native and kernel included), else {@code jdk.ExecutionSample} (Java code only).
 *
 * <p>Usage: {@code java -cp ... io.gatekit.bench.JfrSummary FILE.jfr [cpuMicrosPerMessage [messages]]}.
 */
public final class JfrSummary {
    private static final String FOCUS = "io.gatekit.";
    private static final int CALLER_DEPTH = 6;

    private final Map<String, Long> byThread = new HashMap<>();
    private final Map<String, Long> selfFrames = new HashMap<>();
    private final Map<String, Long> selfPackages = new HashMap<>();
    private final Map<String, Long> inclusive = new HashMap<>();
    private final Map<String, Long> attributed = new HashMap<>();
    private final Map<String, Long> allocByClass = new HashMap<>();
    private final Map<String, Long> allocByFrame = new HashMap<>();
    private final Map<String, Map<String, Long>> callers = new HashMap<>(); // top frame -> caller chain -> count
    private final Map<String, Map<String, Long>> allocSites = new HashMap<>(); // class -> allocating chain -> bytes
    private long cpuSamples;
    private long execSamples;
    private long allocTotal;
    private long gcCount;
    private long gcPauseNanos;
    private double switchRateSum;
    private long switchRateCount;
    private double jvmCpuSum;
    private long jvmCpuCount;

    private JfrSummary() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrSummary FILE.jfr [cpuMicrosPerMessage [messages]]");
            System.exit(2);
        }
        double perMessage = args.length > 1 ? Double.parseDouble(args[1]) : Double.NaN;
        print(Path.of(args[0]), System.out, 20, perMessage, args.length > 2 ? Long.parseLong(args[2]) : 0);
    }

    /**
     * Prints the summary of {@code file}. With {@code cpuMicrosPerMessage} (the process's measured CPU per
     * message) each share is also shown as microseconds per message.
     */
    public static void print(Path file, PrintStream out, int top, double cpuMicrosPerMessage, long messages)
            throws IOException {
        JfrSummary summary = new JfrSummary();
        summary.read(file);
        summary.report(file, out, top, cpuMicrosPerMessage, messages);
    }

    private void read(Path file) throws IOException {
        List<RecordedEvent> samples = new ArrayList<>();
        List<RecordedEvent> execution = new ArrayList<>();
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                switch (event.getEventType().getName()) {
                    case "jdk.CPUTimeSample" -> {
                        cpuSamples++;
                        samples.add(event);
                    }
                    case "jdk.ExecutionSample" -> {
                        execSamples++;
                        execution.add(event);
                    }
                    case "jdk.ObjectAllocationSample" -> onAllocation(event);
                    case "jdk.GarbageCollection" -> {
                        gcCount++;
                        gcPauseNanos += event.getDuration("sumOfPauses").toNanos();
                    }
                    case "jdk.ThreadContextSwitchRate" -> {
                        switchRateSum += event.getFloat("switchRate");
                        switchRateCount++;
                    }
                    case "jdk.CPULoad" -> {
                        jvmCpuSum += event.getFloat("jvmUser") + event.getFloat("jvmSystem");
                        jvmCpuCount++;
                    }
                    default -> {
                        // not aggregated
                    }
                }
            }
        }
        for (RecordedEvent event : samples.isEmpty() ? execution : samples) {
            onSample(event);
        }
    }

    private void onSample(RecordedEvent event) {
        RecordedThread thread = event.hasField("sampledThread") ? event.getThread("sampledThread")
                : event.hasField("eventThread") ? event.getThread("eventThread") : null;
        add(byThread, threadGroup(thread), 1);
        RecordedStackTrace stack = event.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
            add(selfFrames, "(no stack)", 1);
            return;
        }
        List<RecordedFrame> frames = stack.getFrames();
        String topMethod = method(frames.getFirst());
        add(selfFrames, topMethod, 1);
        StringBuilder chain = new StringBuilder();
        for (int i = 1; i < Math.min(frames.size(), 1 + CALLER_DEPTH); i++) {
            chain.append(i == 1 ? "" : " < ").append(shortMethod(frames.get(i)));
        }
        add(callers.computeIfAbsent(topMethod, k -> new HashMap<>()), chain.toString(), 1);
        add(selfPackages, packageOf(frames.getFirst()), 1);
        Set<String> seen = new HashSet<>();
        String nearest = null;
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith(FOCUS)) {
                String name = method(frame);
                if (nearest == null) {
                    nearest = name;
                }
                if (seen.add(name)) {
                    add(inclusive, name, 1);
                }
            }
        }
        add(attributed, nearest == null ? "(no Gatekit frame) " + topMethod : nearest, 1);
    }

    private void onAllocation(RecordedEvent event) {
        long weight = event.getLong("weight");
        allocTotal += weight;
        add(allocByClass, event.getClass("objectClass").getName(), weight);
        RecordedStackTrace stack = event.getStackTrace();
        String nearest = "(no Gatekit frame)";
        if (stack != null) {
            StringBuilder chain = new StringBuilder();
            List<RecordedFrame> frames = stack.getFrames();
            for (int i = 0; i < Math.min(frames.size(), CALLER_DEPTH); i++) {
                chain.append(i == 0 ? "" : " < ").append(shortMethod(frames.get(i)));
            }
            add(allocSites.computeIfAbsent(event.getClass("objectClass").getName(), k -> new HashMap<>()), chain.toString(), weight);
            for (RecordedFrame frame : stack.getFrames()) {
                if (frame.getMethod().getType().getName().startsWith(FOCUS)) {
                    nearest = method(frame);
                    break;
                }
            }
        }
        add(allocByFrame, nearest, weight);
    }

    private void report(Path file, PrintStream out, int top, double perMessage, long messages) {
        long total = byThread.values().stream().mapToLong(Long::longValue).sum();
        String kind = cpuSamples > 0 ? "jdk.CPUTimeSample (CPU time, incl. native/kernel)"
                : "jdk.ExecutionSample (Java code only: time in native I/O and the kernel is not sampled, so the us/msg"
                        + " column, scaled to the process's whole CPU, overstates each entry)";
        out.println("== " + file.getFileName() + ": " + total + " samples from " + kind);
        if (total == 0) {
            return;
        }
        table(out, "by thread", byThread, total, top, perMessage);
        table(out, "self, by package", selfPackages, total, top, perMessage);
        table(out, "self, top frames", selfFrames, total, top, perMessage);
        out.println("  -- callers of the top self frames (most common chains, " + CALLER_DEPTH + " frames deep)");
        selfFrames.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .limit(10)
                .forEach(e -> {
                    out.println(Stats.f("    %5.1f%%  %s", 100.0 * e.getValue() / total, e.getKey()));
                    callers.getOrDefault(e.getKey(), Map.of()).entrySet().stream()
                            .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                            .limit(3)
                            .forEach(c -> out.println(Stats.f("           %5.1f%%  < %s", 100.0 * c.getValue() / total, c.getKey())));
                });
        table(out, "inclusive, Gatekit methods", inclusive, total, top, perMessage);
        table(out, "attributed to the nearest Gatekit frame (its own code + the libraries it calls)", attributed, total,
                top, perMessage);
        if (allocTotal > 0) {
            table(out, "allocation (sampled bytes), by class", allocByClass, allocTotal, 12, Double.NaN);
            table(out, "allocation (sampled bytes), by nearest Gatekit frame", allocByFrame, allocTotal, 12, Double.NaN);
            out.println("  -- allocation sites of the top classes (" + CALLER_DEPTH + " frames deep)");
            allocByClass.entrySet().stream()
                    .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                    .limit(6)
                    .forEach(e -> {
                        out.println(Stats.f("    %5.1f%%  %s", 100.0 * e.getValue() / allocTotal, e.getKey()));
                        allocSites.getOrDefault(e.getKey(), Map.of()).entrySet().stream()
                                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                                .limit(3)
                                .forEach(c -> out.println(Stats.f("           %5.1f%%  %s", 100.0 * c.getValue() / allocTotal, c.getKey())));
                    });
            if (messages > 0) {
                out.println(Stats.f("  allocation: about %.0f bytes per message (sum of sample weights / messages, an estimate)",
                        (double) allocTotal / messages));
            }
        }
        out.println(Stats.f("  GC: %d collections, %.1f ms paused in total", gcCount, gcPauseNanos / 1e6));
        if (switchRateCount > 0) {
            out.println(Stats.f("  context switches (machine): %.0f /s on average", switchRateSum / switchRateCount));
        }
        if (jvmCpuCount > 0) {
            out.println(Stats.f("  this JVM's CPU load: %.0f%% of the machine on average", 100 * jvmCpuSum / jvmCpuCount));
        }
    }

    private static void table(PrintStream out, String title, Map<String, Long> counts, long total, int top,
            double perMessage) {
        out.println("  -- " + title);
        counts.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .limit(top)
                .forEach(e -> {
                    double share = 100.0 * e.getValue() / total;
                    String micros = Double.isNaN(perMessage) ? "" : Stats.f("  %6.2f us/msg", share / 100 * perMessage);
                    out.println(Stats.f("    %5.1f%%%s  %s", share, micros, e.getKey()));
                });
    }

    private static String threadGroup(RecordedThread thread) {
        if (thread == null) {
            return "(unknown)";
        }
        String name = thread.getJavaName();
        if (name == null || name.isEmpty()) {
            return thread.isVirtual() ? "(virtual threads)" : "(unnamed: " + thread.getOSName() + ")";
        }
        return name.replaceAll("[0-9]+", "#");
    }

    private static String method(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName()
                + (frame.isJavaFrame() ? "" : " [native]") + "  (" + packageName(type) + ")";
    }

    private static String shortMethod(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    }

    private static String packageOf(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        String pkg = packageName(type);
        String[] parts = pkg.split("\\.");
        String head = String.join(".", java.util.Arrays.copyOf(parts, Math.min(parts.length, 3)));
        return frame.isJavaFrame() ? head : head + " [native]";
    }

    private static String packageName(String type) {
        int dot = type.lastIndexOf('.');
        return dot < 0 ? "" : type.substring(0, dot);
    }

    private static void add(Map<String, Long> map, String key, long amount) {
        map.merge(key, amount, Long::sum);
    }
}
