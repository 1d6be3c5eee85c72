package io.gatekit.faces.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slow clients on the HTTP face, over real loopback sockets (ADR 0026): a slowloris trickling its headers and a
 * client trickling its body are cut off after {@code header_timeout} / {@code body_timeout} (1 s here), although
 * each byte they send would reset an idle timeout; an oversized header block gets 431.
 */
class HttpFaceSlowClientTest {
    private static HttpFaceFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = HttpFaceFixture.demo("header_timeout: 1\nbody_timeout: 1", "");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), fixture.face.port());
        socket.setSoTimeout(30_000);
        return socket;
    }

    /**
     * Sends {@code head} at once, then one byte of {@code trickle} every 100 ms, as a slow client does; completes
     * when the server closes the connection (a read sees the end, or a write fails), with the seconds it took.
     */
    private static CompletableFuture<Double> trickle(Socket socket, String head, String trickle) {
        long started = System.nanoTime();
        CompletableFuture<Double> closed = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (InputStream in = socket.getInputStream()) {
                while (in.read() >= 0) {
                    // whatever the server says before it closes
                }
            } catch (IOException reset) {
                // a reset is a close too
            }
            closed.complete((System.nanoTime() - started) / 1e9);
        });
        Thread.ofVirtual().start(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (int i = 0; !closed.isDone(); i = (i + 1) % trickle.length()) {
                    out.write(trickle.charAt(i));
                    out.flush();
                    // The pace of the attack, not a synchronisation: each byte would reset an idle timeout.
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // the server closed the connection: what the reader reports
            }
        });
        return closed;
    }

    @Test
    void aSlowlorisTricklingItsHeadersIsCutOffAfterTheHeaderTimeout() throws Exception {
        try (Socket socket = connect()) {
            CompletableFuture<Double> closed = trickle(socket, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n", "X-a: b\r\n");
            double seconds = closed.get(30, TimeUnit.SECONDS);
            assertThat(seconds).as("closed after header_timeout (1 s), not the idle timeout (30 s)").isLessThan(20);
        }
    }

    @Test
    void aClientTricklingItsBodyIsCutOffAfterTheBodyTimeout() throws Exception {
        try (Socket socket = connect()) {
            CompletableFuture<Double> closed = trickle(socket, """
                    POST /mcp HTTP/1.1\r
                    Host: 127.0.0.1\r
                    Content-Type: application/json\r
                    Accept: application/json, text/event-stream\r
                    Content-Length: 100000\r
                    \r
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{""", "a");
            double seconds = closed.get(30, TimeUnit.SECONDS);
            assertThat(seconds).as("closed after body_timeout (1 s), not the idle timeout (30 s)").isLessThan(20);
        }
    }

    @Test
    void aConnectionThatSendsItsRequestPromptlyIsServedAndKeptOpen() throws Exception {
        try (Socket socket = connect()) {
            String request = "GET /elsewhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 404");
            // The guard watches the connection but leaves an idle keep-alive one to the idle timeout.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> guard().watched() >= 1);
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 404");
        }
    }

    @Test
    void anOversizedHeaderBlockGets431() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(HttpFace.MAX_REQUEST_HEADER_BYTES)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 431");
        }
    }

    private static SlowClientGuard guard() {
        return fixture.face.server().getBean(SlowClientGuard.class);
    }

    /** The status line and headers of one response; its body, when it has a length, is read past. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head.toString();
            }
            head.append((char) b);
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(line.indexOf(':') + 1).trim()));
            }
        }
        return head.toString();
    }
}
