package io.gatekit.demo;

import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.transport.Frame;
import io.gatekit.transport.MessageConnection;
import io.gatekit.transport.MessageHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A small MCP server (stdio) built into Gatekit: the embedded default upstream, and a fast, predictable peer for
 * tests and benchmarks. Every request runs on its own virtual thread, so thousands of concurrent {@code sleep}
 * calls cost little. Its tools are described in {@link DemoTools}.
 *
 * <p>Concurrency: the reader thread dispatches and each request runs on its own virtual thread. Running requests,
 * outgoing requests and the counters are concurrent maps and atomics; the client's capabilities and log level are
 * volatile, written by the reader thread and read by request threads.
 */
public final class DemoServer implements MessageHandler {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /**
     * The handshake-era revisions this server speaks, newest first: its own list, not the gateway's, as any
     * upstream's would be (the gateway's tests rely on it offering the latest).
     */
    private static final List<String> VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

    private final MessageConnection connection;
    private final DemoTools tools;
    private final Map<JsonNode, Thread> running = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Response>> outgoing = new ConcurrentHashMap<>();
    private final AtomicLong nextOutgoingId = new AtomicLong();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicLong cancelNotices = new AtomicLong();
    private final AtomicLong cancelledRunning = new AtomicLong();
    /** Every tools/call received, so a test can tell that a request never reached the server. */
    private final AtomicLong toolCalls = new AtomicLong();
    private volatile JsonNode clientCapabilities = NODES.objectNode();
    private volatile String logLevel = "info";

    public DemoServer(InputStream in, OutputStream out) {
        JsonRpcCodec codec = JsonRpcCodec.forVirtualThreads(16 * 1024 * 1024);
        this.connection = new MessageConnection("demo-server", in, out, codec, 16 * 1024 * 1024);
        this.tools = new DemoTools(this);
    }

    /** Serves until the input ends. */
    public void run() throws InterruptedException {
        connection.start(this);
        closed.await();
        connection.close();
    }

    @Override
    public void onMessage(Decoded decoded) {
        switch (decoded) {
            case Decoded.Ok(Request request) -> {
                Thread worker = Thread.ofVirtual().unstarted(() -> serve(request));
                running.put(request.id(), worker);
                worker.start();
            }
            case Decoded.Ok(Notification notification) -> {
                if ("notifications/cancelled".equals(notification.method()) && notification.params() != null) {
                    cancelNotices.incrementAndGet();
                    Thread worker = running.get(notification.params().path("requestId"));
                    if (worker != null) {
                        cancelledRunning.incrementAndGet();
                        worker.interrupt();
                    }
                }
            }
            case Decoded.Ok(Response response) -> {
                CompletableFuture<Response> waiting = response.id() == null ? null : outgoing.remove(response.id().asLong());
                if (waiting != null) {
                    waiting.complete(response);
                }
            }
            case Decoded.Invalid invalid -> {
                if (invalid.answerable()) {
                    connection.send(Response.failure(invalid.id(), invalid.error()));
                }
            }
        }
    }

    private void serve(Request request) {
        Response response;
        try {
            response = Response.success(request.id(), dispatch(request));
        } catch (GatewayException e) {
            response = Response.failure(request.id(), e.error());
        } catch (CancelledException e) {
            running.remove(request.id());
            return; // cancelled: the spec says not to answer
        } catch (RuntimeException e) {
            response = Response.failure(request.id(), JsonRpcError.of(ErrorCode.INTERNAL_ERROR, e.toString()));
        }
        running.remove(request.id());
        connection.send(response);
    }

    private JsonNode dispatch(Request request) {
        ObjectNode params = request.params() instanceof ObjectNode o ? o : NODES.objectNode();
        return switch (request.method()) {
            case "initialize" -> initialize(params);
            case "ping" -> NODES.objectNode();
            case "tools/list" -> withCacheHints(tools.list());
            case "tools/call" -> {
                toolCalls.incrementAndGet();
                yield tools.call(params);
            }
            case "prompts/list" -> withCacheHints(DemoTools.prompts());
            case "prompts/get" -> DemoTools.prompt(params);
            case "resources/list" -> withCacheHints(DemoTools.resources());
            case "resources/read" -> DemoTools.readResource(params);
            case "resources/subscribe", "resources/unsubscribe" -> {
                tools.subscription(request.method(), params.path("uri").asString(""));
                yield NODES.objectNode();
            }
            case "logging/setLevel" -> {
                logLevel = params.path("level").asString("info");
                if (System.getenv("DEMO_HANG_SET_LEVEL") != null) {
                    hangUntilCancelled(); // a server that never answers it: how a gateway copes is tested
                }
                yield NODES.objectNode();
            }
            default -> throw new GatewayException(ErrorCode.METHOD_NOT_FOUND, "Method not found: " + request.method());
        };
    }

    /**
     * 2026-07-28 caching hints on list results, for testing how a gateway merges them: only when the environment
     * sets {@code DEMO_LIST_TTL_MS} (and optionally {@code DEMO_LIST_CACHE_SCOPE}, {@code public} or {@code private}).
     */
    private static JsonNode withCacheHints(JsonNode result) {
        String ttl = System.getenv("DEMO_LIST_TTL_MS");
        if (ttl == null || ttl.isBlank() || !(result instanceof ObjectNode object)) {
            return result;
        }
        object.put("ttlMs", Long.parseLong(ttl.strip()));
        String scope = System.getenv("DEMO_LIST_CACHE_SCOPE");
        object.put("cacheScope", scope == null || scope.isBlank() ? "public" : scope.strip());
        return object;
    }

    private JsonNode initialize(ObjectNode params) {
        clientCapabilities = params.path("capabilities");
        String requested = params.path("protocolVersion").asString("");
        ObjectNode result = NODES.objectNode();
        result.put("protocolVersion", VERSIONS.contains(requested) ? requested : VERSIONS.getFirst());
        ObjectNode caps = result.putObject("capabilities");
        caps.putObject("tools").put("listChanged", true);
        caps.putObject("prompts");
        caps.putObject("resources").put("subscribe", true).put("listChanged", true);
        caps.putObject("logging");
        ObjectNode info = result.putObject("serverInfo");
        info.put("name", "gatekit-demo");
        info.put("version", "1");
        result.put("instructions", "A demo server: echo, add, sleep (with progress), sample, roots, elicit, fail, crash, confirm (multi round-trip).");
        return result;
    }

    /** Counters a test can read through the {@code stats} tool to observe the gateway's behaviour upstream. */
    private static void hangUntilCancelled() {
        try {
            new java.util.concurrent.CountDownLatch(1).await();
        } catch (InterruptedException e) {
            throw new CancelledException();
        }
    }

    ObjectNode stats() {
        ObjectNode stats = NODES.objectNode();
        stats.put("cancelNotices", cancelNotices.get());
        stats.put("cancelledRunning", cancelledRunning.get());
        stats.put("toolCalls", toolCalls.get());
        stats.put("running", running.size() - 1);
        stats.put("pid", ProcessHandle.current().pid());
        return stats;
    }

    String logLevel() {
        return logLevel;
    }

    boolean clientHas(String capability) {
        return clientCapabilities.has(capability);
    }

    void notifyClient(String method, @Nullable ObjectNode params) {
        connection.send(new Notification(method, params));
    }

    /** Sends a request to the client and waits for its answer (sampling, roots, elicitation). */
    JsonNode askClient(String method, ObjectNode params, long timeoutSeconds) {
        long id = nextOutgoingId.incrementAndGet();
        CompletableFuture<Response> answer = new CompletableFuture<>();
        outgoing.put(id, answer);
        connection.send(new Request(JsonRpcIds.of(id), method, params));
        try {
            Response response = answer.get(timeoutSeconds, TimeUnit.SECONDS);
            JsonRpcError error = response.error();
            if (error != null) {
                throw new GatewayException(ErrorCode.INTERNAL_ERROR,
                        method + " failed: " + error.message() + " (" + error.code() + ")");
            }
            return response.successResult();
        } catch (InterruptedException e) {
            throw new CancelledException();
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            throw new GatewayException(ErrorCode.INTERNAL_ERROR, method + " got no answer: " + e);
        } finally {
            outgoing.remove(id);
        }
    }

    @Override
    public void onOversized(Frame.Oversized frame) {
        connection.send(Response.failure(null, JsonRpcError.of(ErrorCode.INVALID_REQUEST, "message too large")));
    }

    @Override
    public void onClosed(@Nullable Throwable cause) {
        closed.countDown();
    }

    /** Thrown on a worker whose request the client cancelled. */
    static final class CancelledException extends RuntimeException {
        CancelledException() {
            super(null, null, false, false);
        }
    }
}
