package io.gatekit.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Streamable HTTP MCP server on loopback whose misbehaviour a test scripts: the session era done plainly
 * (initialize mints {@code s<n>}, unknown session ids get 404, notifications 202, {@code tools/list} one tool,
 * {@code tools/call} echoes as JSON), with hooks for what a hazard needs (a GET stream, an SSE answer that ends
 * early, sessions forgotten as by a restart). Every request is recorded. The JDK's own HTTP server, each exchange
 * on a virtual thread.
 */
public final class ScriptedHttpUpstream implements AutoCloseable {

    /** One request as the server saw it; header names lower-case. */
    public record Seen(String method, String rpcMethod, Map<String, String> headers, JsonNode body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** Answers one HTTP exchange; the request's JSON body (null for GET/DELETE) is given parsed. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange exchange, JsonNode body) throws IOException;
    }

    public final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger minted = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    /** GET: 405 unless a test scripts a stream. */
    public volatile Handler onGet = (exchange, body) -> status(exchange, 405);
    /** tools/call: an echo of {@code arguments.message} as JSON unless scripted. */
    public volatile Handler onToolsCall = (exchange, body) -> json(exchange, 200,
            result(body.get("id"), "Echo: " + body.path("params").path("arguments").path("message").asString("")));
    /** Runs first for a request whose session id is unknown (before the 404). */
    public volatile Handler onUnknownSession = (exchange, body) -> {};

    public ScriptedHttpUpstream() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/mcp", this::serve);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
    }

    /** Forgets every session, as a restarted server does. */
    public void forgetSessions() {
        sessions.clear();
    }

    public int sessionsMinted() {
        return minted.get();
    }

    public List<Seen> seen(String httpMethod, String rpcMethod) {
        return seen.stream().filter(s -> s.method().equals(httpMethod)
                && (rpcMethod == null || rpcMethod.equals(s.rpcMethod()))).toList();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] bytes = exchange.getRequestBody().readAllBytes();
            JsonNode body = bytes.length == 0 ? null : TestClient.JSON.readTree(bytes);
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.getFirst()));
            String rpc = body == null ? null : body.path("method").asString(null);
            seen.add(new Seen(exchange.getRequestMethod(), rpc, Map.copyOf(headers), body));
            String session = headers.get("mcp-session-id");
            if ("initialize".equals(rpc)) {
                String id = "s" + minted.incrementAndGet();
                sessions.add(id);
                exchange.getResponseHeaders().add("Mcp-Session-Id", id);
                ObjectNode result = TestClient.object();
                result.put("protocolVersion", "2025-11-25");
                result.putObject("capabilities").putObject("tools").put("listChanged", true);
                result.putObject("serverInfo").put("name", "scripted").put("version", "1");
                json(exchange, 200, response(body.get("id")).set("result", result));
                return;
            }
            if ("server/discover".equals(rpc)) {
                ObjectNode error = response(body.get("id"));
                error.putObject("error").put("code", -32601).put("message", "Method not found");
                json(exchange, 200, error);
                return;
            }
            if (session == null || !sessions.contains(session)) {
                onUnknownSession.handle(exchange, body);
                status(exchange, session == null ? 400 : 404);
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "GET" -> onGet.handle(exchange, null);
                case "DELETE" -> {
                    sessions.remove(session);
                    status(exchange, 200);
                }
                default -> {
                    if (!body.has("id")) {
                        status(exchange, 202);
                    } else if ("tools/list".equals(rpc)) {
                        ObjectNode result = TestClient.object();
                        result.putArray("tools").addObject().put("name", "echo").putObject("inputSchema").put("type", "object");
                        json(exchange, 200, response(body.get("id")).set("result", result));
                    } else if ("tools/call".equals(rpc)) {
                        onToolsCall.handle(exchange, body);
                    } else {
                        json(exchange, 200, response(body.get("id")).set("result", TestClient.object()));
                    }
                }
            }
        }
    }

    public static ObjectNode response(JsonNode id) {
        ObjectNode response = TestClient.object();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        return response;
    }

    /** A tools/call result with one text content. */
    public static ObjectNode result(JsonNode id, String text) {
        ObjectNode response = response(id);
        response.putObject("result").putArray("content").addObject().put("type", "text").put("text", text);
        return response;
    }

    public static void status(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
    }

    public static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        json(exchange, status, TestClient.JSON.writeValueAsString(body));
    }

    /** A JSON answer written as given: for bodies a tree cannot hold, such as a key that appears twice. */
    public static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Starts an event stream; write events with {@link #event}, end it by returning (the exchange closes). */
    public static OutputStream startEvents(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    /** Writes one SSE event (id, retry and data each optional) and flushes it. */
    public static void event(OutputStream out, String id, Integer retryMillis, JsonNode data) throws IOException {
        textEvent(out, id, retryMillis, data == null ? "" : TestClient.JSON.writeValueAsString(data));
    }

    /** Writes one SSE event whose data is the given text, as given. */
    public static void textEvent(OutputStream out, String id, Integer retryMillis, String data) throws IOException {
        StringBuilder event = new StringBuilder();
        if (id != null) {
            event.append("id: ").append(id).append('\n');
        }
        if (retryMillis != null) {
            event.append("retry: ").append(retryMillis).append('\n');
        }
        event.append("data: ").append(data).append("\n\n");
        out.write(event.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public static ObjectNode notification(String method) {
        ObjectNode notification = TestClient.object();
        notification.put("jsonrpc", "2.0");
        notification.put("method", method);
        return notification;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
