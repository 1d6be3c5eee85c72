package io.gatekit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.awaitility.Awaitility;

/** Ports on 127.0.0.1 for servers that tests start themselves. */
public final class Loopback {
    private Loopback() {}

    /** A port that was free a moment ago (the kernel picks it). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (bounded) until {@code process} accepts connections on {@code port}; fails fast if it exits. */
    public static void awaitListening(Process process, int port, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError(process.info().command().orElse("server") + " exited with " + process.exitValue());
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }
}
