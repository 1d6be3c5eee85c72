package io.gatekit.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real {@code redis-server} on a free loopback port, in memory only (no RDB, no AOF), started by the test
 * itself (never the system service). {@link #restart()} stops it and starts a fresh one on the same port: what
 * a Redis restart without persistence looks like to its clients.
 */
public final class RedisServer implements AutoCloseable {
    private final Path binary;
    private final Path dir;
    private final int port;
    private Process process;

    private RedisServer(Path binary, Path dir, int port) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
        this.process = launch();
    }

    /** A Redis in {@code dir} (its log goes there); the test is skipped where redis-server is not installed. */
    public static RedisServer start(Path dir) {
        return new RedisServer(SystemServices.require("redis-server"), dir, Loopback.freePort());
    }

    private Process launch() {
        try {
            Process started = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                    .start();
            awaitPong(started, Duration.ofSeconds(20));
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
    }

    private void awaitPong(Process started, Duration timeout) {
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
                if (!started.isAlive()) {
                    throw new AssertionError("redis-server exited with " + started.exitValue() + "; see " + dir.resolve("redis.log"));
                }
                return ping();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            started.destroyForcibly();
            throw new AssertionError("redis-server did not answer PING within " + timeout.toSeconds() + " s", e);
        }
    }

    private boolean ping() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code redis://127.0.0.1:<port>} */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Stops Redis (SIGKILL: no goodbye to its clients) and starts an empty one on the same port. */
    public void restart() throws InterruptedException {
        kill();
        startAgain();
    }

    /** Stops Redis (SIGKILL: no goodbye to its clients); {@link #startAgain} brings an empty one back. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts an empty Redis on the same port after {@link #kill}. */
    public void startAgain() {
        process = launch();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
