package io.gatekit.bench;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;

/**
 * {@link RpcWork} on Helidon SE 4's WebServer, which runs every connection and its handlers on virtual threads.
 * Settings that differ by default from the Jetty set-up of the gateway's HTTP face are aligned with it, so that
 * the two servers differ in their code, not in their configuration: TCP_NODELAY on accepted sockets (Jetty sets it,
 * Helidon's socket options default to off), an accept backlog of 1024, and an idle timeout of 45 s (Jetty's, being
 * three times the default 15 s SSE keep-alive).
 */
final class HelidonBenchServer implements BenchServer {
    private final WebServer server;

    HelidonBenchServer(String host, String path, RpcWork work) {
        server = WebServer.builder()
                .host(host)
                .port(0)
                .backlog(1024)
                .idleConnectionTimeout(Duration.ofSeconds(45))
                .connectionOptions(socket -> socket.tcpNoDelay(true))
                .routing(routing -> routing.post(path, (request, response) -> handle(work, request, response)))
                .build()
                .start();
    }

    private static void handle(RpcWork work, ServerRequest request, ServerResponse response) throws Exception {
        byte[] answer = work.answer(request.content().inputStream().readAllBytes());
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(answer);
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
