package io.gatekit.testing;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers every descendant a process ever had (polled, since a process tree can change before anyone looks),
 * so a test can check that nothing outlived a run and kill whatever did. Used for chains the test does not
 * start itself: a Node client that spawns the gateway that spawns Node servers.
 */
public final class ProcessTree implements AutoCloseable {
    private final ProcessHandle root;
    private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
    private final Thread poller;
    private volatile boolean stopped;

    private ProcessTree(ProcessHandle root) {
        this.root = root;
        this.poller = Thread.ofVirtual().name("process-tree-" + root.pid()).start(this::poll);
    }

    /** Starts watching the descendants of {@code root} (every 50 ms until {@link #close()}). */
    public static ProcessTree watch(ProcessHandle root) {
        return new ProcessTree(root);
    }

    private void poll() {
        while (!stopped) {
            record();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Records the current descendants now. */
    public void record() {
        root.descendants().forEach(seen::add);
    }

    /** Every descendant seen so far, with its command line, for messages. */
    public List<String> describeSeen() {
        return seen.stream().map(ProcessTree::describe).toList();
    }

    /**
     * Waits up to {@code timeout} for the root and every descendant seen to exit; returns those still alive
     * (described), an empty list when all are gone.
     */
    public List<String> survivorsAfter(Duration timeout) {
        record();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!root.isAlive() && seen.stream().noneMatch(ProcessHandle::isAlive)) {
                return List.of();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(root), seen.stream())
                .filter(ProcessHandle::isAlive).map(ProcessTree::describe).toList();
    }

    private static String describe(ProcessHandle handle) {
        return handle.pid() + " " + handle.info().commandLine().orElse(handle.info().command().orElse("?"));
    }

    /** Stops watching and kills the root and every descendant seen that is still alive. */
    @Override
    public void close() {
        record();
        stopped = true;
        poller.interrupt();
        root.descendants().forEach(seen::add);
        root.destroyForcibly();
        seen.forEach(ProcessHandle::destroyForcibly);
    }
}
