package io.gatekit.faces.stdio;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.session.ClientSession;
import io.gatekit.testing.GatewayFixture;
import io.gatekit.transport.SlowReaderLimit;
import io.gatekit.upstream.Upstream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A stdio client that stops reading (ADR 0026), over a real loopback socket: what waits for it is bounded, and past
 * the bound it is dropped, its requests in flight cancelled upstream too, instead of memory growing or the upstream's
 * reader (which answers every client) blocking on it.
 */
class StdioSlowReaderTest {

    @Test
    void aClientThatStopsReadingIsDroppedAndItsRequestsAreCancelledUpstream() throws Exception {
        try (GatewayFixture fixture = GatewayFixture.demo("", "");
                ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket face = listener.accept()) {
            Upstream demo = fixture.gateway.upstream("demo").orElseThrow();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> demo.state() == Upstream.State.READY);
            CompletableFuture<Void> dropped = new CompletableFuture<>();
            ClientSession session = StdioFace.connect(fixture.gateway, "slow", face.getInputStream(), face.getOutputStream(),
                    new SlowReaderLimit(256 * 1024, Duration.ofSeconds(2)), () -> dropped.complete(null));

            OutputStream out = client.getOutputStream();
            send(out, """
                    {"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"slow","version":"0"}}}""");
            send(out, """
                    {"jsonrpc":"2.0","method":"notifications/initialized"}""");
            send(out, """
                    {"jsonrpc":"2.0","id":"long","method":"tools/call","params":{"name":"demo__sleep","arguments":{"ms":600000}}}""");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> demo.inFlightCount() == 1);

            // Echo calls with 32 KB answers, never read: the socket's buffers fill, then the writer's queue.
            String echo = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"demo__echo\","
                    + "\"arguments\":{\"message\":\"" + "x".repeat(32 * 1024) + "\"}}}";
            Thread flood = Thread.ofVirtual().start(() -> {
                try {
                    for (int id = 0; !dropped.isDone(); id++) {
                        send(out, echo.formatted(id));
                    }
                } catch (IOException closed) {
                    // the gateway dropped the connection
                }
            });

            dropped.get(60, TimeUnit.SECONDS);
            assertThat(session.isClosed()).isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(demo.inFlightCount()).as("the long call was cancelled upstream").isZero());
            assertThat(demo.state()).as("the upstream kept serving").isEqualTo(Upstream.State.READY);
            flood.join(Duration.ofSeconds(30));
        }
    }

    private static void send(OutputStream out, String json) throws IOException {
        out.write((json.strip() + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
