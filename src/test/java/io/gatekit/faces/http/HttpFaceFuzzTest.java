package io.gatekit.faces.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gatekit.Gateway;
import io.gatekit.config.ConfigLoader;
import io.gatekit.config.GatewayConfig;
import io.gatekit.config.HttpConfig;
import io.gatekit.testing.Processes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzz target for the HTTP face's request handling (ADR 0026): requests built from the fuzzer's bytes (method, path,
 * the headers the MCP endpoint reads, a body) go through the face's own Jetty set-up in-process, over a
 * {@link LocalConnector}. Whatever the request, the answer is a complete HTTP response, never a 500, and a refusal
 * (by the endpoint or by Jetty itself) with a body carries a JSON-RPC error. Seeds under
 * {@code src/test/resources/io/gatekit/faces/http/HttpFaceFuzzTestInputs/}.
 */
class HttpFaceFuzzTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> METHODS = List.of("POST", "GET", "DELETE", "PUT", "OPTIONS", "HEAD");
    private static final List<String> PATHS = List.of("/mcp", "/mcp?x=1", "/", "/.well-known/oauth-protected-resource");
    private static final List<String> HEADERS = List.of("Content-Type", "Accept", "Mcp-Session-Id",
            "MCP-Protocol-Version", "Mcp-Method", "Mcp-Name", "Origin", "Last-Event-ID");
    private static final List<String> TYPICAL = List.of("application/json", "application/json, text/event-stream",
            "text/event-stream", "2025-11-25", "2026-07-28", "tools/call", "demo__echo", "http://localhost", "*/*", "g-1");

    private static @Nullable Face face;

    /** One gateway (the demo server upstream), serving through the face's Jetty set-up on a local connector. */
    private record Face(Gateway gateway, Server server, LocalConnector local) {
        static Face start() throws Exception {
            GatewayConfig config = ConfigLoader.parse("""
                    proxy:
                      transport: http
                      http: {host: 127.0.0.1, port: 0, max_sessions: 64, session_idle_timeout: 5, sse_keep_alive: 1}
                      timeouts: {request_timeout: 2}
                      upstreams:
                        - name: demo
                          command: %s
                    """.formatted(Processes.demoServerYaml()), "fuzz.yaml", Path.of("."), Map.of());
            Gateway gateway = new Gateway(config, "fuzz");
            gateway.start();
            HttpConfig http = config.proxy().http().orElseThrow();
            SessionRegistry registry = new SessionRegistry(http.maxSessions(), http.sessionIdleTimeout());
            McpHandler handler = new McpHandler(gateway, registry,
                    new SessionRelay(io.gatekit.scaleout.SharedState.LOCAL, registry, gateway.codec()),
                    new OriginPolicy(http.allowedHosts(), http.allowedOrigins(), http.host()),
                    new io.gatekit.security.auth.Authenticator(http.auth(), http.path()), http.path(), http.sseKeepAlive());
            Server server = HttpFace.jettyServer(http, handler);
            LocalConnector local = new LocalConnector(server, new HttpConnectionFactory(server.getConnectors()[0]
                    .getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration()));
            server.addConnector(local);
            server.start();
            return new Face(gateway, server, local);
        }
    }

    private static synchronized Face face() throws Exception {
        if (face == null) {
            face = Face.start();
        }
        return face;
    }

    @AfterAll
    static synchronized void stop() throws Exception {
        if (face != null) {
            face.server.stop();
            face.gateway.close();
            face = null;
        }
    }

    @FuzzTest
    void requests(FuzzedDataProvider data) throws Exception {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        String method = data.pickValue(METHODS);
        String path = data.consumeBoolean() ? data.pickValue(PATHS) : "/" + data.consumeAsciiString(20);
        request.writeBytes((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
                .getBytes(StandardCharsets.UTF_8));
        for (String header : HEADERS) {
            if (data.consumeBoolean()) {
                String value = data.consumeBoolean() ? data.pickValue(TYPICAL) : data.consumeString(40);
                request.writeBytes((header + ": " + value + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] body = data.consumeRemainingAsBytes();
        request.writeBytes(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        request.writeBytes(body);

        ByteBuffer raw = face().local.getResponse(ByteBuffer.wrap(request.toByteArray()), false, 10, TimeUnit.SECONDS);
        assertThat(raw).as("an answer to %s %s", method, path).isNotNull();
        HttpTester.Response response = HttpTester.parseResponse(raw);
        assertThat(response).as("a well-formed HTTP response").isNotNull();
        assertThat(response.getStatus()).as("no request is an internal error").isNotEqualTo(500);
        String type = response.get("Content-Type");
        if (response.getStatus() >= 400 && !response.getContent().isEmpty()) {
            // Jetty's own refusals too (seed illegal-path-character): never its HTML page.
            assertThat(type).as("the type of a %d body: %s", response.getStatus(), response.getContent())
                    .startsWith("application/json");
            JsonNode error = JSON.readTree(response.getContent());
            assertThat(error.path("error").path("code").isInt()).as("a JSON-RPC error: %s", error).isTrue();
        }
    }
}
