package io.gatekit.upstream;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.gatekit.config.UpstreamConfig;
import io.gatekit.sandbox.Sandbox;
import io.gatekit.sandbox.SandboxUnavailableException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A spawned upstream server process, started from its launch command (its own command, or that command wrapped in
 * its sandbox, {@link Sandbox}). It runs in its own process group (via {@code setsid}) so that stopping
 * it reaches the grandchildren that wrappers like npx start. Its stderr is drained on a virtual thread into the
 * log, and the last lines are kept for error messages. Stopping follows the MCP stdio shutdown: close stdin,
 * wait, SIGTERM the group, wait, SIGKILL the group.
 *
 * <p>Concurrency: a virtual thread drains stderr into the tail, which is guarded by itself; {@code stderrTail()}
 * copies it under the same lock.
 */
public final class UpstreamProcess {
    private static final Logger log = LoggerFactory.getLogger(UpstreamProcess.class);
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final int STDERR_TAIL_LINES = 20;

    private final String name;
    private final Process process;
    private final boolean ownGroup;
    @GuardedBy("itself")
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final Thread stderrDrain;

    private UpstreamProcess(String name, Process process, boolean ownGroup) {
        this.name = name;
        this.process = process;
        this.ownGroup = ownGroup;
        this.stderrDrain = Thread.ofPlatform().daemon().name("gatekit-stderr-" + name).start(this::drainStderr);
    }

    /**
     * Spawns the upstream's command in its working directory, confined by its sandbox when it has one. Its
     * environment is a safe subset of the gateway's plus {@code env}, or all of the gateway's plus {@code env} when
     * {@code inherit_env} ({@link ChildEnvironment}).
     *
     * @throws io.gatekit.sandbox.SandboxUnavailableException when the sandbox cannot be set up (nothing is started)
     */
    public static UpstreamProcess spawn(UpstreamConfig config) throws IOException {
        return spawn(config.name(), config);
    }

    /** {@link #spawn(UpstreamConfig)}, the process named {@code label} in logs (a replica's or a client's own). */
    public static UpstreamProcess spawn(String label, UpstreamConfig config) throws IOException {
        Map<String, String> childEnv = ChildEnvironment.of(System.getenv(), config.env(), config.inheritEnv());
        List<String> command = launchCommand(config, childEnv);
        if (config.sandbox().enabled()) {
            log.debug("upstream {} runs sandboxed: {}", label, String.join(" ", command));
        }
        boolean ownGroup = Files.isExecutable(SETSID);
        List<String> argv = new ArrayList<>(command.size() + 1);
        if (ownGroup) {
            argv.add(SETSID.toString());
        }
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().clear();
        builder.environment().putAll(childEnv);
        config.cwd().ifPresent(dir -> builder.directory(dir.toFile()));
        builder.redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.redirectOutput(ProcessBuilder.Redirect.PIPE);
        builder.redirectError(ProcessBuilder.Redirect.PIPE);
        try {
            return new UpstreamProcess(label, builder.start(), ownGroup);
        } catch (IOException e) {
            throw new IOException("cannot start upstream '" + label + "' command " + config.command() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * What the gateway runs for a stdio upstream: its command, or that command wrapped in its sandbox (shown by
     * {@code gatekit validate}).
     *
     * @throws IOException when the program cannot be found, or the sandbox cannot be set up
     */
    public static List<String> launchCommand(UpstreamConfig config) throws IOException {
        return launchCommand(config, ChildEnvironment.of(System.getenv(), config.env(), config.inheritEnv()));
    }

    private static List<String> launchCommand(UpstreamConfig config, Map<String, String> childEnv) throws IOException {
        Path program = requireProgram(config.name(), config.command().getFirst(), childEnv);
        if (!config.sandbox().enabled()) {
            return config.command();
        }
        Set<Path> homes = new LinkedHashSet<>();
        homes.add(Path.of(System.getProperty("user.home")));
        String childHome = childEnv.get("HOME");
        if (childHome != null && !childHome.isBlank()) {
            homes.add(Path.of(childHome).toAbsolutePath().normalize());
        }
        try {
            return Sandbox.onThisHost().wrap(config.sandbox(), config.command(), program, config.cwd(), homes);
        } catch (SandboxUnavailableException e) {
            throw new SandboxUnavailableException("upstream '" + config.name() + "' is not started: its sandbox cannot be"
                    + " set up: " + e.getMessage());
        }
    }

    /**
     * Where the program is, failing early and clearly when it cannot be found: otherwise all one sees is exit code
     * 127.
     */
    private static Path requireProgram(String name, String program, Map<String, String> env) throws IOException {
        if (program.contains("/")) {
            if (!Files.isExecutable(Path.of(program))) {
                throw new IOException("cannot start upstream '" + name + "': " + program + " is not an executable file");
            }
            return Path.of(program).toAbsolutePath().normalize();
        }
        String path = env.get("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator, -1)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
                if (Files.isExecutable(candidate)) {
                    return candidate.toAbsolutePath().normalize();
                }
            }
        }
        throw new IOException("cannot start upstream '" + name + "': program '" + program + "' not found on PATH");
    }

    /** Waits briefly for the stderr drain to reach the end, so an exit message can quote the last line. */
    void awaitStderr(Duration timeout) {
        try {
            stderrDrain.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or empty while running. */
    public Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** The last lines the process wrote to stderr, oldest first, for error messages. */
    public List<String> stderrTail() {
        synchronized (stderrTail) {
            return List.copyOf(stderrTail);
        }
    }

    private void drainStderr() {
        InputStream err = process.getErrorStream();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                log.debug("[{} stderr] {}", name, line);
                synchronized (stderrTail) {
                    if (stderrTail.size() == STDERR_TAIL_LINES) {
                        stderrTail.removeFirst();
                    }
                    stderrTail.addLast(line.length() > 500 ? line.substring(0, 500) + "..." : line);
                }
            }
        } catch (IOException e) {
            // the process went away; its stderr ends with it
        }
    }

    /**
     * Stops the process and everything in its group: stdin EOF, then SIGTERM after {@code grace}, then SIGKILL
     * after another {@code grace}. Returns once the process is gone. Safe to call more than once.
     */
    public void stop(Duration grace) {
        List<ProcessHandle> descendants = process.descendants().toList();
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.debug("upstream {} still running {} ms after stdin closed: SIGTERM", name, grace.toMillis());
                signal("TERM", descendants);
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("upstream {} ignored SIGTERM: SIGKILL", name);
                    signal("KILL", descendants);
                    process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            // Children that outlive a clean exit of their parent are orphans: end them too, forcibly if they linger
            // (a reaped session must take its whole tree with it).
            List<ProcessHandle> orphans = descendants.stream().filter(ProcessHandle::isAlive).toList();
            if (!orphans.isEmpty()) {
                signal("TERM", orphans);
                awaitExit(orphans, grace);
                signal("KILL", orphans.stream().filter(ProcessHandle::isAlive).toList());
            }
            stderrDrain.join(Duration.ofMillis(200));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            signal("KILL", descendants);
        }
    }

    /** Waits up to {@code grace} in all for {@code processes} to exit. */
    private static void awaitExit(List<ProcessHandle> processes, Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle process : processes) {
            try {
                process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return; // whatever is left gets SIGKILL
            }
        }
    }

    private void signal(String signal, List<ProcessHandle> descendants) {
        if (ownGroup) {
            try {
                new ProcessBuilder("kill", "-" + signal, "--", "-" + process.pid())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start()
                        .waitFor(2, TimeUnit.SECONDS);
            } catch (IOException e) {
                log.debug("kill -{} of group {} failed: {}", signal, process.pid(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean force = "KILL".equals(signal);
        for (ProcessHandle child : descendants) {
            if (force) {
                child.destroyForcibly();
            } else {
                child.destroy();
            }
        }
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
    }
}
