package io.gatekit.demo;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The demo server's tools, prompt and resource:
 * <ul>
 *   <li>{@code echo {message}}: returns the message.</li>
 *   <li>{@code add {a, b}}: returns the sum.</li>
 *   <li>{@code sleep {ms, steps}}: waits, sending {@code steps} progress notifications when asked; cancellable.</li>
 *   <li>{@code sample {prompt}}: asks the client for {@code sampling/createMessage} and returns its text.</li>
 *   <li>{@code roots}: asks the client for {@code roots/list} and returns the URIs.</li>
 *   <li>{@code elicit {message}}: asks the client for {@code elicitation/create} and returns the action.</li>
 *   <li>{@code fail {mode}}: a JSON-RPC error ({@code mode=error}, default) or an {@code isError} result ({@code mode=tool}).</li>
 *   <li>{@code crash {code}}: exits the process at once, to test upstream death.</li>
 *   <li>{@code confirm {message}}: a 2026-07-28 multi round-trip request (MRTR). Called without
 *       {@code inputResponses} it returns {@code resultType: "input_required"} asking for an
 *       {@code elicitation/create} under the key {@code ok}, with an opaque {@code requestState} this server minted;
 *       retried with {@code inputResponses.ok} and that same {@code requestState} it returns a complete result
 *       ({@code "confirmed: <action>"}). A state it did not mint, or one already used, is an invalid-params error.</li>
 *   <li>Extra tools named by {@code DEMO_EXTRA_TOOL_NAMES}, a JSON array of strings (JSON escapes reach any
 *       character, NUL included; a name may repeat): each {@code {message, fail}} returns {@code "<its name>: <message>"},
 *       or with {@code fail: true} a JSON-RPC error naming it, to test how a gateway lists and calls names that
 *       providers would refuse.</li>
 * </ul>
 * {@code echo}, {@code add}, {@code roots} and {@code stats} carry {@code annotations.readOnlyHint: true}; the rest
 * say nothing, so they count as writes.
 *
 * <p>Concurrency: called from many request threads at once. Subscriptions and minted request states are concurrent
 * sets; a state is redeemed by a single {@code remove}, so two retries with the same state cannot both succeed.
 */
final class DemoTools {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final DemoServer server;
    /** Created when {@code confirm} first mints a state: a SecureRandom costs a cold start tens of milliseconds. */
    private static final class StateRandom {
        static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    }

    /** State a server keeps about whoever it talks to: what a shared process would leak between clients. */
    private volatile @org.jspecify.annotations.Nullable String note;
    private final java.util.Set<String> subscribed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> issuedStates = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.List<String> extraNames = extraNames(System.getenv("DEMO_EXTRA_TOOL_NAMES"));

    DemoTools(DemoServer server) {
        this.server = server;
    }

    private static java.util.List<String> extraNames(@org.jspecify.annotations.Nullable String json) {
        if (json == null || json.isBlank()) {
            return java.util.List.of();
        }
        JsonNode names = tools.jackson.databind.json.JsonMapper.builder().build().readTree(json);
        java.util.List<String> extra = new java.util.ArrayList<>();
        names.valueStream().filter(JsonNode::isString).forEach(name -> extra.add(name.stringValue()));
        if (!names.isArray() || extra.size() != names.size()) {
            throw new IllegalArgumentException("DEMO_EXTRA_TOOL_NAMES must be a JSON array of strings: " + json);
        }
        return java.util.List.copyOf(extra);
    }

    JsonNode list() {
        ObjectNode result = NODES.objectNode();
        ArrayNode tools = result.putArray("tools");
        tools.add(readOnly(tool("echo", "Returns the message it is given.", "message", "string")));
        tools.add(readOnly(tool("add", "Adds two numbers.", "a", "number", "b", "number")));
        tools.add(tool("sleep", "Waits ms milliseconds, reporting progress in steps.", "ms", "integer", "steps", "integer"));
        tools.add(tool("sample", "Asks the client's model to answer a prompt (sampling).", "prompt", "string"));
        tools.add(readOnly(tool("roots", "Lists the client's roots.")));
        tools.add(tool("elicit", "Asks the user a question (elicitation).", "message", "string"));
        tools.add(tool("fail", "Fails: mode=error gives a JSON-RPC error, mode=tool an isError result.", "mode", "string"));
        tools.add(tool("crash", "Exits the demo server process at once with the given code.", "code", "integer"));
        tools.add(readOnly(tool("stats", "Reports the demo server's counters (cancellations seen, requests running, tools/call received, pid).")));
        tools.add(tool("log", "Sends a log message at the given level.", "level", "string", "text", "string"));
        tools.add(tool("touch", "Signals that a subscribed resource changed.", "uri", "string"));
        tools.add(tool("change_tools", "Signals that the tool list changed."));
        tools.add(tool("remember", "Keeps a note in this server process (per-session state, for session isolation tests).",
                "note", "string"));
        tools.add(tool("recall", "Returns the note this server process keeps, or (none)."));
        tools.add(tool("confirm", "Asks the user to confirm, as a multi round-trip request (input_required, then retry).",
                "message", "string"));
        for (String name : extraNames) {
            tools.add(tool(name, "Returns its own name and the message; fails when fail is true.", "message", "string",
                    "fail", "boolean"));
        }
        return result;
    }

    JsonNode call(ObjectNode params) {
        String name = params.path("name").asString("");
        JsonNode args = params.path("arguments");
        JsonNode progressToken = params.path("_meta").get("progressToken");
        return switch (name) {
            case "echo" -> text(args.path("message").asString(""));
            case "add" -> text(numberText(args.path("a").asDouble(0) + args.path("b").asDouble(0)));
            case "sleep" -> sleep(args.path("ms").asLong(0), args.path("steps").asInt(0), progressToken);
            case "sample" -> sample(args.path("prompt").asString("hello"));
            case "roots" -> roots();
            case "elicit" -> elicit(args.path("message").asString("Please confirm"));
            case "fail" -> {
                if ("tool".equals(args.path("mode").asString("error"))) {
                    ObjectNode result = text("the demo tool failed on purpose");
                    result.put("isError", true);
                    yield result;
                }
                throw new GatewayException(ErrorCode.INTERNAL_ERROR, "the demo tool failed on purpose");
            }
            case "crash" -> {
                Runtime.getRuntime().halt(args.path("code").asInt(3));
                yield text("unreachable");
            }
            case "stats" -> {
                ObjectNode stats = server.stats();
                ArrayNode uris = stats.putArray("subscriptions");
                subscribed.stream().sorted().forEach(uris::add);
                stats.put("logLevel", server.logLevel());
                yield text(stats.toString());
            }
            case "log" -> {
                ObjectNode message = NODES.objectNode();
                message.put("level", args.path("level").asString("info"));
                message.put("logger", "demo");
                message.put("data", args.path("text").asString(""));
                server.notifyClient("notifications/message", message);
                yield text("logged");
            }
            case "touch" -> {
                String uri = args.path("uri").asString("");
                if (subscribed.contains(uri)) {
                    server.notifyClient("notifications/resources/updated", NODES.objectNode().put("uri", uri));
                }
                yield text(subscribed.contains(uri) ? "notified" : "not subscribed");
            }
            case "remember" -> {
                note = args.path("note").asString("");
                yield text("remembered");
            }
            case "recall" -> text(note == null ? "(none)" : note);
            case "confirm" -> confirm(params, args.path("message").asString("Please confirm"));
            case "change_tools" -> {
                server.notifyClient("notifications/tools/list_changed", null);
                yield text("changed");
            }
            default -> {
                if (!extraNames.contains(name)) {
                    throw new GatewayException(ErrorCode.INVALID_PARAMS, "Unknown tool: " + name);
                }
                if (args.path("fail").asBoolean(false)) {
                    throw new GatewayException(ErrorCode.INTERNAL_ERROR, "Tool '" + name + "' failed on purpose");
                }
                yield text(name + ": " + args.path("message").asString(""));
            }
        };
    }

    void subscription(String method, String uri) {
        if (method.endsWith("/subscribe")) {
            subscribed.add(uri);
        } else {
            subscribed.remove(uri);
        }
    }

    private JsonNode sleep(long ms, int steps, JsonNode progressToken) {
        int parts = Math.max(1, progressToken == null ? 1 : steps);
        try {
            for (int i = 1; i <= parts; i++) {
                Thread.sleep(ms / parts);
                if (progressToken != null && steps > 0) {
                    ObjectNode progress = NODES.objectNode();
                    progress.set("progressToken", progressToken);
                    progress.put("progress", i);
                    progress.put("total", parts);
                    server.notifyClient("notifications/progress", progress);
                }
            }
        } catch (InterruptedException e) {
            throw new DemoServer.CancelledException();
        }
        return text("slept " + ms + " ms");
    }

    private JsonNode sample(String prompt) {
        requireClient("sampling");
        ObjectNode params = NODES.objectNode();
        ObjectNode message = params.putArray("messages").addObject();
        message.put("role", "user");
        message.putObject("content").put("type", "text").put("text", prompt);
        params.put("maxTokens", 100);
        JsonNode answer = server.askClient("sampling/createMessage", params, 30);
        return text(answer.path("content").path("text").asString(""));
    }

    private JsonNode roots() {
        requireClient("roots");
        JsonNode answer = server.askClient("roots/list", NODES.objectNode(), 30);
        StringBuilder uris = new StringBuilder();
        for (JsonNode root : answer.path("roots")) {
            uris.append(uris.isEmpty() ? "" : "\n").append(root.path("uri").asString(""));
        }
        return text(uris.toString());
    }

    private JsonNode elicit(String message) {
        requireClient("elicitation");
        ObjectNode params = NODES.objectNode();
        params.put("message", message);
        ObjectNode schema = params.putObject("requestedSchema");
        schema.put("type", "object");
        schema.putObject("properties").putObject("answer").put("type", "string");
        JsonNode answer = server.askClient("elicitation/create", params, 30);
        return text(answer.path("action").asString("") + ": " + answer.path("content").path("answer").asString(""));
    }

    /**
     * MRTR: the first call asks for input and mints a single-use {@code requestState} (random, so a forged or
     * replayed one is refused); the retry must bring it back unchanged together with the answer.
     */
    private JsonNode confirm(ObjectNode params, String message) {
        JsonNode responses = params.get("inputResponses");
        if (responses == null || responses.isNull()) {
            byte[] nonce = new byte[24];
            StateRandom.RANDOM.nextBytes(nonce);
            // '+', '/' and '=' on purpose: a relay that re-encodes or trims the opaque state breaks the retry.
            String state = "mrtr+" + java.util.Base64.getEncoder().encodeToString(nonce) + "/=";
            issuedStates.add(state);
            ObjectNode result = NODES.objectNode();
            result.put("resultType", "input_required");
            ObjectNode request = result.putObject("inputRequests").putObject("ok");
            request.put("method", "elicitation/create");
            ObjectNode elicit = request.putObject("params");
            elicit.put("mode", "form");
            elicit.put("message", message);
            ObjectNode schema = elicit.putObject("requestedSchema");
            schema.put("type", "object");
            schema.putObject("properties").putObject("confirm").put("type", "boolean");
            result.put("requestState", state);
            return result;
        }
        String state = params.path("requestState").asString("");
        if (!issuedStates.remove(state)) {
            throw new GatewayException(ErrorCode.INVALID_PARAMS, "confirm: unknown or already used requestState");
        }
        JsonNode answer = responses.path("ok");
        String action = answer.path("action").asString("missing");
        return text("confirmed: " + action + (answer.path("content").has("confirm")
                ? " " + answer.path("content").path("confirm").asBoolean() : ""));
    }

    private void requireClient(String capability) {
        if (!server.clientHas(capability)) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, "the client did not declare " + capability);
        }
    }

    static JsonNode prompts() {
        ObjectNode result = NODES.objectNode();
        ObjectNode prompt = result.putArray("prompts").addObject();
        prompt.put("name", "greeting");
        prompt.put("description", "A greeting for someone.");
        prompt.putArray("arguments").addObject().put("name", "who").put("required", false);
        return result;
    }

    static JsonNode prompt(ObjectNode params) {
        if (!"greeting".equals(params.path("name").asString(""))) {
            throw new GatewayException(ErrorCode.INVALID_PARAMS, "Unknown prompt: " + params.path("name").asString(""));
        }
        ObjectNode result = NODES.objectNode();
        ObjectNode message = result.putArray("messages").addObject();
        message.put("role", "user");
        message.putObject("content").put("type", "text")
                .put("text", "Hello, " + params.path("arguments").path("who").asString("world") + "!");
        return result;
    }

    static JsonNode resources() {
        ObjectNode result = NODES.objectNode();
        ObjectNode resource = result.putArray("resources").addObject();
        resource.put("uri", "demo://readme");
        resource.put("name", "readme");
        resource.put("mimeType", "text/plain");
        return result;
    }

    static JsonNode readResource(ObjectNode params) {
        String uri = params.path("uri").asString("");
        if (!"demo://readme".equals(uri)) {
            throw new GatewayException(io.gatekit.jsonrpc.JsonRpcError.of(-32002, "Resource not found: " + uri));
        }
        ObjectNode result = NODES.objectNode();
        ObjectNode content = result.putArray("contents").addObject();
        content.put("uri", uri);
        content.put("mimeType", "text/plain");
        content.put("text", "This is the Gatekit demo server.");
        return result;
    }

    /** MCP's annotation for a tool that changes nothing: access policies may grant such tools alone. */
    private static ObjectNode readOnly(ObjectNode tool) {
        tool.putObject("annotations").put("readOnlyHint", true);
        return tool;
    }

    private static ObjectNode tool(String name, String description, String... properties) {
        ObjectNode tool = NODES.objectNode();
        tool.put("name", name);
        tool.put("description", description);
        ObjectNode schema = tool.putObject("inputSchema");
        schema.put("type", "object");
        ObjectNode props = schema.putObject("properties");
        for (int i = 0; i + 1 < properties.length; i += 2) {
            props.putObject(properties[i]).put("type", properties[i + 1]);
        }
        return tool;
    }

    private static ObjectNode text(String text) {
        ObjectNode result = NODES.objectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        return result;
    }

    private static String numberText(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
