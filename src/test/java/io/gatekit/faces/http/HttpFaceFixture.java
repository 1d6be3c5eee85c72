package io.gatekit.faces.http;

import io.gatekit.Gateway;
import io.gatekit.config.ConfigLoader;
import io.gatekit.config.GatewayConfig;
import io.gatekit.config.HttpConfig;
import io.gatekit.testing.Processes;
import io.gatekit.upstream.Upstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;

/** A gateway in the test JVM (demo upstream by default) with its HTTP face on a free loopback port. */
public final class HttpFaceFixture implements AutoCloseable {
    public final Gateway gateway;
    public final HttpFace face;
    public final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpFaceFixture(GatewayConfig config) throws Exception {
        this.gateway = new Gateway(config, "test");
        gateway.start();
        this.face = new HttpFace(gateway, config.proxy().http().orElseThrow()).start();
    }

    /** {@code %DEMO%} stands for the demo server command; {@code http} is YAML under proxy.http (indented 4). */
    public static HttpFaceFixture start(String yaml) throws Exception {
        String text = yaml.replace("%DEMO%", Processes.demoServerYaml());
        return new HttpFaceFixture(ConfigLoader.parse(text, "test.yaml", Path.of("."), Map.copyOf(System.getenv())));
    }

    /** One demo upstream; {@code httpExtras} are lines under proxy.http, {@code proxyExtras} under proxy. */
    public static HttpFaceFixture demo(String httpExtras, String proxyExtras) throws Exception {
        return single("demo", "%DEMO%", httpExtras, proxyExtras);
    }

    /**
     * One upstream process called {@code name}, started from {@code command} (a YAML list), ready before this
     * returns; {@code httpExtras} are lines under proxy.http, {@code proxyExtras} under proxy.
     */
    public static HttpFaceFixture single(String name, String command, String httpExtras, String proxyExtras) throws Exception {
        HttpFaceFixture fixture = start("""
                proxy:
                  transport: http
                  http:
                    host: 127.0.0.1
                    port: 0
                %s
                %s
                  upstreams:
                    - name: %s
                      command: %s
                """.formatted(indent(httpExtras, 4), indent(proxyExtras, 2), name, command));
        Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> fixture.gateway.upstream(name).orElseThrow().state() == Upstream.State.READY);
        return fixture;
    }

    private static String indent(String text, int spaces) {
        if (text == null || text.isBlank()) {
            return "";
        }
        return text.stripIndent().lines().map(l -> " ".repeat(spaces) + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    public URI uri() {
        return face.uri();
    }

    /** A POST with the headers a well-behaved client sends; {@code session} may be null. */
    public HttpRequest.Builder post(String session, String body) {
        return post(uri(), session, body);
    }

    /** A POST to the endpoint {@code to} as {@link #post(String, String)} builds it. */
    public static HttpRequest.Builder post(URI to, String session, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(to).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            builder.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        }
        return builder;
    }

    /**
     * A modern (2026-07-28) POST as a well-behaved client sends it: no session, and the headers the revision
     * requires, taken from the body ({@code MCP-Protocol-Version}, {@code Mcp-Method}, {@code Mcp-Name} for the
     * methods that name something, non-ASCII names base64-encoded).
     */
    public HttpRequest.Builder modernPost(String body) {
        JsonNode message = tools.jackson.databind.json.JsonMapper.builder().build().readTree(body);
        HttpRequest.Builder builder = post(null, body)
                .header("MCP-Protocol-Version", message.path("params").path("_meta")
                        .path("io.modelcontextprotocol/protocolVersion").asString("2026-07-28"))
                .header("Mcp-Method", message.path("method").asString());
        String member = switch (message.path("method").asString()) {
            case "tools/call", "prompts/get" -> "name";
            case "resources/read" -> "uri";
            default -> null;
        };
        if (member != null && message.path("params").path(member).isString()) {
            String name = message.path("params").path(member).asString();
            boolean ascii = name.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
            builder.header("Mcp-Name", ascii ? name : "=?base64?" + java.util.Base64.getEncoder()
                    .encodeToString(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "?=");
        }
        return builder;
    }

    public HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Initializes a session (initialize + notifications/initialized) and returns its id. */
    public String initialize() throws Exception {
        HttpResponse<String> init = send(post(null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}""").build());
        if (init.statusCode() != 200) {
            throw new AssertionError("initialize: " + init.statusCode() + " " + init.body());
        }
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> initialized = send(post(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").build());
        if (initialized.statusCode() != 202) {
            throw new AssertionError("initialized: " + initialized.statusCode());
        }
        return session;
    }

    @Override
    public void close() {
        face.close();
        gateway.close();
        client.close();
    }
}
