package io.gatekit.security;

import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.plugins.Direction;
import io.gatekit.plugins.PluginContext;
import io.gatekit.plugins.PluginDecision;
import io.gatekit.plugins.PluginFactory;
import io.gatekit.plugins.PluginSettings;
import io.gatekit.plugins.PluginSetup;
import io.gatekit.plugins.SecurityPlugin;
import io.gatekit.plugins.SharedResources;
import io.gatekit.session.Principal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Makes the built-in filters the way the registry does and runs messages through them directly. */
final class Filters {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final PluginContext CONTEXT = new PluginContext("demo", Principal.ANONYMOUS, "client-1",
            Direction.TO_UPSTREAM, 0);

    private Filters() {}

    /** JSON with single quotes for double ones, so options read naturally in tests. */
    static JsonNode json(String singleQuoted) {
        return JSON.readTree(singleQuoted.replace('\'', '"'));
    }

    static SecurityPlugin create(PluginFactory factory, String options) {
        JsonNode config = json(options);
        return (SecurityPlugin) factory.create(new PluginSetup(config, null, Path.of("."),
                PluginSettings.of(config, factory), new SharedResources()));
    }

    static SecurityPlugin pii(String options) {
        return create(new BasicPiiFilterFactory(), options);
    }

    static SecurityPlugin secrets(String options) {
        return create(new BasicSecretsFilterFactory(), options);
    }

    static SecurityPlugin injection(String options) {
        return create(new BasicPromptInjectionDefenseFactory(), options);
    }

    /** A tools/call of the echo tool with {@code message}. */
    static Request echo(String message) {
        ObjectNode params = NODES.objectNode().put("name", "echo");
        params.putObject("arguments").put("message", message);
        return new Request(NODES.numberNode(7), "tools/call", params);
    }

    static PluginDecision onEcho(SecurityPlugin plugin, String message) {
        return plugin.onRequest(echo(message), CONTEXT);
    }

    /** The echo message of a modified request. */
    static String echoed(PluginDecision decision) {
        JsonRpcMessage message = ((PluginDecision.Modify) decision).message();
        return ((Request) message).params().path("arguments").path("message").stringValue();
    }

    /** A tools/call result with one text block. */
    static Response textResult(String text) {
        ObjectNode result = NODES.objectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        return Response.success(NODES.numberNode(7), result);
    }

    static Notification logMessage(String data) {
        ObjectNode params = NODES.objectNode().put("level", "info").put("data", data);
        return new Notification("notifications/message", params);
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
