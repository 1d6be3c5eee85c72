package io.gatekit.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A deliberately plain MCP client for tests: raw JSON lines over a pair of streams, independent of the
 * gateway's own codec and framer. Responses are matched to requests by the id exactly as sent (type included);
 * notifications and server requests are queued for inspection, and server requests are answered by a handler.
 */
public final class TestClient implements AutoCloseable {
    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final OutputStream out;
    private final Map<String, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(1);
    public final BlockingQueue<JsonNode> notifications = new LinkedBlockingQueue<>();
    public final BlockingQueue<JsonNode> serverRequests = new LinkedBlockingQueue<>();
    public final BlockingQueue<JsonNode> unmatched = new LinkedBlockingQueue<>();
    private volatile Function<JsonNode, JsonNode> serverRequestHandler = req -> null;
    private final Thread reader;

    public TestClient(InputStream in, OutputStream out) {
        this.out = out;
        this.reader = Thread.ofVirtual().name("test-client-reader").start(() -> readLoop(in));
    }

    /** Answers server-to-client requests: return the result, or null to leave it unanswered. */
    public void onServerRequest(Function<JsonNode, JsonNode> handler) {
        this.serverRequestHandler = handler;
    }

    private static String key(JsonNode id) {
        return id.isString() ? "s:" + id.stringValue() : "n:" + id.asString();
    }

    private void readLoop(InputStream in) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                JsonNode message = JSON.readTree(line);
                if (message.has("method") && message.has("id")) {
                    serverRequests.add(message);
                    JsonNode result = serverRequestHandler.apply(message);
                    if (result != null) {
                        ObjectNode response = NODES.objectNode();
                        response.put("jsonrpc", "2.0");
                        response.set("id", message.get("id"));
                        response.set("result", result);
                        send(response);
                    }
                } else if (message.has("method")) {
                    notifications.add(message);
                } else {
                    JsonNode id = message.get("id");
                    CompletableFuture<JsonNode> future = id == null || id.isNull() ? null : waiting.remove(key(id));
                    if (future != null) {
                        future.complete(message);
                    } else {
                        unmatched.add(message);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the stream ended; pending requests fail below
        }
        waiting.values().forEach(f -> f.completeExceptionally(new IOException("connection closed")));
    }

    public synchronized void send(JsonNode message) {
        sendRaw(message.toString());
    }

    public synchronized void sendRaw(String line) {
        try {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Sends a request with the given id (string or number) and returns the future full response. */
    public CompletableFuture<JsonNode> request(JsonNode id, String method, JsonNode params) {
        CompletableFuture<JsonNode> future = new CompletableFuture<>();
        if (waiting.putIfAbsent(key(id), future) != null) {
            throw new IllegalStateException("test bug: id " + id + " already waiting");
        }
        ObjectNode request = NODES.objectNode();
        request.put("jsonrpc", "2.0");
        request.set("id", id);
        request.put("method", method);
        if (params != null) {
            request.set("params", params);
        }
        send(request);
        return future;
    }

    public CompletableFuture<JsonNode> request(String method, JsonNode params) {
        return request(NODES.numberNode(ids.getAndIncrement()), method, params);
    }

    /** Sends a request and waits (bounded) for its response. */
    public JsonNode call(String method, JsonNode params) {
        return await(request(method, params), Duration.ofSeconds(30));
    }

    /**
     * Sends {@code count} calls of the echo tool {@code tool} at once ({@code message} = prefix + index) and returns
     * the text of each answer, in the order sent.
     */
    public java.util.List<String> echoBurst(String tool, String prefix, int count, Duration timeout) {
        java.util.List<CompletableFuture<JsonNode>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(request("tools/call", toolCall(tool, "message", prefix + i)));
        }
        java.util.List<String> texts = new java.util.ArrayList<>();
        for (CompletableFuture<JsonNode> call : calls) {
            texts.add(text(await(call, timeout)));
        }
        return texts;
    }

    public static JsonNode await(CompletableFuture<JsonNode> future, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("no response within " + timeout + ": " + e, e);
        }
    }

    public void notify(String method, JsonNode params) {
        ObjectNode notification = NODES.objectNode();
        notification.put("jsonrpc", "2.0");
        notification.put("method", method);
        if (params != null) {
            notification.set("params", params);
        }
        send(notification);
    }

    /** initialize + notifications/initialized, declaring the given client capabilities. */
    public JsonNode initialize(ObjectNode capabilities) {
        ObjectNode params = NODES.objectNode();
        params.put("protocolVersion", "2025-11-25");
        params.set("capabilities", capabilities == null ? NODES.objectNode() : capabilities);
        params.putObject("clientInfo").put("name", "gatekit-test-client").put("version", "1");
        JsonNode response = call("initialize", params);
        notify("notifications/initialized", null);
        return response;
    }

    /** tools/call params for {@code name} with the given arguments. */
    public static ObjectNode toolCall(String name, Object... keyValues) {
        ObjectNode params = NODES.objectNode();
        params.put("name", name);
        ObjectNode args = params.putObject("arguments");
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            args.set((String) keyValues[i], JSON.valueToTree(keyValues[i + 1]));
        }
        return params;
    }

    /** The first text content of a tools/call response, or fails with the whole response. */
    public static String text(JsonNode response) {
        JsonNode text = response.path("result").path("content").path(0).path("text");
        if (!text.isString()) {
            throw new AssertionError("no text result in " + response);
        }
        return text.stringValue();
    }

    /** The {@code member} of each element of a list result (e.g. tool names), top level only. */
    public static java.util.List<String> names(JsonNode items, String member) {
        java.util.List<String> names = new java.util.ArrayList<>();
        items.forEach(item -> names.add(item.path(member).asString("")));
        return names;
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // already closed
        }
        reader.interrupt();
    }
}
