package io.gatekit.audit;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.gatekit.plugins.SharedResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The running token totals of {@code token_usage}, kept in its state file in the original's shape, so several
 * gateways can share one file: {@code instances} keyed by process id, each with {@code started_at},
 * {@code last_update} and {@code servers.<server>.tools.<tool>.{input, output}}, plus the reset counters
 * ({@code reset_id}, {@code server_reset_ids}) a tool raises to zero every instance's totals (all, or one
 * server's). Once something was counted, the file is read every flush interval (to see resets) and rewritten
 * (temporary file, then an atomic move; owner-only permissions) when the totals changed, all under an exclusive
 * lock on {@code <state_file>.lock}; other instances' entries are kept, except those of processes that are gone and were not updated for five minutes. On start this
 * process takes back its own entry if the file has one; on close it removes its entry.
 *
 * <p>Concurrency: {@link #add} is called by the audit writer's thread, the file is written by one virtual thread
 * (and finally by {@link #close}, after that thread has ended); the totals and reset counters are guarded by
 * {@code lock}, which is never held during file I/O.
 */
final class TokenUsageState implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TokenUsageState.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Duration INSTANCE_TTL = Duration.ofMinutes(5);
    private static final long LOCK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** One tool's estimated tokens: {@code input} into the model (answers), {@code output} from it (calls). */
    record Tally(long input, long output) {
        Tally plus(Tally other) {
            return new Tally(input + other.input, output + other.output);
        }
    }

    /** The key a state file is shared under. */
    private record Key(Path file) {}

    private final Path file;
    private final Path lockFile;
    private final Path tempFile;
    private final Duration flushInterval;
    private final String pid = Long.toString(ProcessHandle.current().pid());
    private final String startedAt = AuditRecord.timestampOf(Instant.now());
    private final JsonMapper mapper = JsonMapper.shared();
    private final Object lock = new Object();
    @GuardedBy("lock")
    private final Map<String, Map<String, Tally>> totals = new TreeMap<>();
    /** Totals changed since the file was last written. */
    @GuardedBy("lock")
    private boolean dirty;
    /** Something was counted: from then on the file is watched for resets. */
    @GuardedBy("lock")
    private boolean counting;
    @GuardedBy("lock")
    private long resetId;
    @GuardedBy("lock")
    private String resetTimestamp = AuditRecord.timestampOf(Instant.now());
    @GuardedBy("lock")
    private final Map<String, Long> serverResetIds = new TreeMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread flusher;

    /** @throws UncheckedIOException when the state file's directory cannot be made */
    TokenUsageState(Path file, Duration flushInterval) {
        this.file = file;
        this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
        this.tempFile = file.resolveSibling(file.getFileName() + ".tmp");
        this.flushInterval = flushInterval;
        try {
            Path parent = file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        restore();
        this.flusher = Thread.ofVirtual().name("gatekit-token-state-" + file.getFileName()).start(this::flushLoop);
    }

    /**
     * Leases the state of {@code file} from {@code shared}, starting it when no entry holds it yet.
     *
     * @throws IllegalArgumentException when the state file's directory cannot be made
     */
    static SharedResources.Lease<TokenUsageState> lease(SharedResources shared, Path file, Duration flushInterval) {
        Path absolute = file.toAbsolutePath().normalize();
        try {
            return shared.lease(new Key(absolute), TokenUsageState.class, () -> new TokenUsageState(absolute, flushInterval));
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException("cannot use token usage state file " + absolute + ": " + e.getCause(), e);
        }
    }

    Path file() {
        return file;
    }

    void add(String server, String tool, long input, long output) {
        synchronized (lock) {
            totals.computeIfAbsent(server, s -> new TreeMap<>()).merge(tool, new Tally(input, output), Tally::plus);
            dirty = true;
            counting = true;
        }
    }

    /** A copy of this process's totals: server, then tool. */
    Map<String, Map<String, Tally>> totals() {
        synchronized (lock) {
            Map<String, Map<String, Tally>> copy = new TreeMap<>();
            totals.forEach((server, tools) -> copy.put(server, Map.copyOf(tools)));
            return copy;
        }
    }

    private void flushLoop() {
        try {
            while (!closing.await(flushInterval.toNanos(), TimeUnit.NANOSECONDS)) {
                boolean watching;
                synchronized (lock) {
                    watching = counting;
                }
                if (watching) {
                    flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Takes back this process's entry, and the reset counters, from the file when it has them. */
    private void restore() {
        try {
            withFileLock(() -> {
                ObjectNode state = read();
                synchronized (lock) {
                    resetId = state.path("reset_id").asLong(0);
                    resetTimestamp = state.path("reset_timestamp").asString(resetTimestamp);
                    state.path("server_reset_ids").properties().forEach(e -> serverResetIds.put(e.getKey(), e.getValue().asLong(0)));
                    state.path("instances").path(pid).path("servers").properties().forEach(server -> {
                        Map<String, Tally> tools = totals.computeIfAbsent(server.getKey(), s -> new TreeMap<>());
                        server.getValue().path("tools").properties().forEach(tool -> tools.put(tool.getKey(),
                                new Tally(tool.getValue().path("input").asLong(0), tool.getValue().path("output").asLong(0))));
                    });
                }
            });
        } catch (IOException e) {
            log.warn("token usage: cannot read state file {}; starting from zero: {}", file, e.toString());
        }
    }

    /**
     * Reads the file, applies a reset it asks for, and when the totals changed (or were reset) writes them, keeping
     * other instances' entries. A reset zeroes what was counted since the previous flush too: the reset protocol
     * cannot tell those counts from older ones (the original has the same window).
     */
    void flush() {
        try {
            withFileLock(() -> {
                ObjectNode state = read();
                ObjectNode own;
                synchronized (lock) {
                    boolean reset = applyResets(state);
                    if (!dirty && !reset) {
                        return;
                    }
                    own = ownEntry();
                    dirty = false;
                }
                ObjectNode instances = liveInstances(state);
                instances.set(pid, own);
                write(stateWith(instances));
            });
        } catch (IOException e) {
            log.warn("token usage: cannot write state file {}: {}", file, e.toString());
        }
    }

    /** A reset counter in the file above this process's means a tool asked for zero: all, or one server. */
    @GuardedBy("lock")
    private boolean applyResets(ObjectNode state) {
        boolean reset = false;
        long fileResetId = state.path("reset_id").asLong(0);
        if (fileResetId > resetId) {
            resetId = fileResetId;
            resetTimestamp = state.path("reset_timestamp").asString(resetTimestamp);
            totals.replaceAll((server, tools) -> new TreeMap<>());
            reset = true;
        }
        for (Map.Entry<String, JsonNode> each : state.path("server_reset_ids").properties()) {
            long fileId = each.getValue().asLong(0);
            if (fileId > serverResetIds.getOrDefault(each.getKey(), 0L)) {
                serverResetIds.put(each.getKey(), fileId);
                totals.computeIfPresent(each.getKey(), (server, tools) -> new TreeMap<>());
                reset = true;
            }
        }
        return reset;
    }

    @GuardedBy("lock")
    private ObjectNode ownEntry() {
        ObjectNode entry = NODES.objectNode();
        entry.put("started_at", startedAt);
        entry.put("last_update", AuditRecord.timestampOf(Instant.now()));
        ObjectNode servers = entry.putObject("servers");
        totals.forEach((server, tools) -> {
            ObjectNode byTool = servers.putObject(server).putObject("tools");
            tools.forEach((tool, tally) -> byTool.putObject(tool).put("input", tally.input()).put("output", tally.output()));
        });
        return entry;
    }

    @GuardedBy("lock")
    private ObjectNode stateFields() {
        ObjectNode state = NODES.objectNode();
        state.put("reset_id", resetId);
        state.put("reset_timestamp", resetTimestamp);
        ObjectNode ids = state.putObject("server_reset_ids");
        serverResetIds.forEach(ids::put);
        return state;
    }

    private ObjectNode stateWith(ObjectNode instances) {
        ObjectNode state;
        synchronized (lock) {
            state = stateFields();
        }
        state.set("instances", instances);
        return state;
    }

    /** The other instances' entries, without those of processes that are gone and quiet for {@link #INSTANCE_TTL}. */
    private ObjectNode liveInstances(ObjectNode state) {
        ObjectNode live = NODES.objectNode();
        Instant stale = Instant.now().minus(INSTANCE_TTL);
        state.path("instances").properties().forEach(e -> {
            if (!e.getKey().equals(pid) && (alive(e.getKey()) || !updatedBefore(e.getValue(), stale))) {
                live.set(e.getKey(), e.getValue());
            }
        });
        return live;
    }

    private static boolean alive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean updatedBefore(JsonNode instance, Instant time) {
        try {
            return Instant.parse(instance.path("last_update").asString("")).isBefore(time);
        } catch (DateTimeParseException e) {
            return true;
        }
    }

    private ObjectNode read() throws IOException {
        if (!Files.exists(file)) {
            return NODES.objectNode();
        }
        try {
            JsonNode tree = mapper.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (tree instanceof ObjectNode object) {
                return object;
            }
        } catch (JacksonException e) {
            log.warn("token usage: state file {} is not valid JSON; it is written anew: {}", file, e.getOriginalMessage());
        }
        return NODES.objectNode();
    }

    private void write(ObjectNode state) throws IOException {
        Files.deleteIfExists(tempFile);
        if (Files.getFileAttributeView(file.getParent() == null ? file : file.getParent(),
                java.nio.file.attribute.PosixFileAttributeView.class) != null) {
            Files.createFile(tempFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tempFile, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(state), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        try {
            Files.move(tempFile, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tempFile, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @FunctionalInterface
    private interface FileAction {
        void run() throws IOException;
    }

    /**
     * Runs {@code action} holding the lock file: gateways sharing the state file take turns. Waits at most
     * {@link #LOCK_TIMEOUT_NANOS}; another state object of this JVM on the same file (two gateways in one test
     * process) is waited for the same way.
     */
    private void withFileLock(FileAction action) throws IOException {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock held = acquire(channel);
            try {
                action.run();
            } finally {
                held.release();
            }
        }
    }

    private FileLock acquire(FileChannel channel) throws IOException {
        long deadline = System.nanoTime() + LOCK_TIMEOUT_NANOS;
        while (true) {
            try {
                FileLock held = channel.tryLock();
                if (held != null) {
                    return held;
                }
            } catch (OverlappingFileLockException e) {
                // held by another channel of this JVM: wait as for another process
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("the lock " + lockFile + " stayed held by another process for 2 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for " + lockFile, e);
            }
        }
    }

    /**
     * Stops the flushes and takes this process's entry out of the file, as the original does at shutdown (the CSV
     * file keeps the history; the state file shows the gateways running).
     */
    @Override
    public void close() {
        closing.countDown();
        try {
            flusher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            withFileLock(() -> {
                ObjectNode state = read();
                if (state.path("instances") instanceof ObjectNode entries && entries.has(pid)) {
                    entries.remove(pid);
                    write(state);
                }
            });
        } catch (IOException e) {
            log.warn("token usage: cannot remove this process from state file {}: {}", file, e.toString());
        }
    }

    @Override
    public String toString() {
        return "TokenUsageState[" + file + "]";
    }
}
