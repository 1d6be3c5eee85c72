package io.gatekit.routing;

import io.gatekit.jsonrpc.ProtocolVersions;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.session.ClientInfo;
import io.gatekit.session.ClientSession;
import io.gatekit.upstream.InitializeResult;
import io.gatekit.upstream.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The gateway's own side of the MCP lifecycle with each client: version negotiation, the capabilities it can
 * honestly offer (those at least one upstream has), and the composed instructions.
 */
public final class Lifecycle {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final java.util.function.Supplier<java.util.Collection<Upstream>> upstreams;
    /** {@code connection_timeout}: how long initialize waits for upstreams' first attempts; a reload replaces it. */
    private volatile Duration startupWait;
    private final String version;

    Lifecycle(java.util.function.Supplier<java.util.Collection<Upstream>> upstreams, Duration startupWait, String version) {
        this.upstreams = upstreams;
        this.startupWait = startupWait;
        this.version = version;
    }

    void reconfigure(Duration startupWait) {
        this.startupWait = startupWait;
    }

    ObjectNode initialize(ClientSession client, ObjectNode params) {
        JsonNode requested = params.get("protocolVersion");
        if (requested == null || !requested.isString()) {
            throw new GatewayException(ErrorCode.INVALID_PARAMS, "initialize needs a string \"protocolVersion\"");
        }
        String negotiated = ProtocolVersions.negotiateLegacy(requested.stringValue());
        JsonNode capabilities = params.get("capabilities");
        client.initialized(new ClientInfo(negotiated,
                capabilities instanceof ObjectNode ? capabilities : NODES.objectNode(),
                params.get("clientInfo") instanceof ObjectNode info ? info : NODES.objectNode()));
        ObjectNode result = NODES.objectNode();
        result.put("protocolVersion", negotiated);
        result.set("capabilities", capabilities());
        ObjectNode serverInfo = result.putObject("serverInfo");
        serverInfo.put("name", "gatekit");
        serverInfo.put("title", "Gatekit MCP gateway");
        serverInfo.put("version", version);
        instructions().ifPresent(text -> result.put("instructions", text));
        return result;
    }

    /** After a client's {@code notifications/initialized}: upstreams that asked for roots early ask again. */
    void clientReady(ClientSession client, ChangeAnnouncer announcer) {
        client.markReady();
        if (client.info().hasCapability("roots")) {
            announcer.rootsChanged();
        }
    }

    /**
     * The capabilities the gateway offers: those at least one upstream has. They are only known once upstreams
     * answered their own initialize, so this waits (up to the connection timeout) for their first attempts.
     */
    ObjectNode capabilities() {
        long deadline = System.nanoTime() + startupWait.toNanos();
        for (Upstream upstream : upstreams.get()) {
            upstream.awaitFirstAttempt(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        return mergedCapabilities();
    }

    private ObjectNode mergedCapabilities() {
        ObjectNode caps = NODES.objectNode();
        for (Upstream upstream : upstreams.get()) {
            Optional<InitializeResult> info = upstream.info();
            if (info.isEmpty()) {
                continue;
            }
            JsonNode theirs = info.get().capabilities();
            for (String feature : List.of("tools", "prompts")) {
                if (theirs.has(feature)) {
                    caps.putObject(feature).put("listChanged", true);
                }
            }
            if (theirs.has("resources")) {
                ObjectNode resources = caps.has("resources") ? (ObjectNode) caps.get("resources") : caps.putObject("resources");
                resources.put("listChanged", true);
                boolean subscribe = theirs.path("resources").path("subscribe").asBoolean(false);
                resources.put("subscribe", subscribe || resources.path("subscribe").asBoolean(false));
            }
            for (String feature : List.of("logging", "completions")) {
                if (theirs.has(feature)) {
                    caps.putObject(feature);
                }
            }
        }
        return caps;
    }

    private Optional<String> instructions() {
        StringBuilder text = new StringBuilder();
        for (Upstream upstream : upstreams.get()) {
            upstream.info().map(InitializeResult::instructions).filter(s -> !s.isBlank()).ifPresent(s -> {
                if (!text.isEmpty()) {
                    text.append("\n\n");
                }
                text.append("## ").append(upstream.name()).append(" (tools named ").append(upstream.name())
                        .append(Namespace.SEPARATOR).append("*)\n").append(s.strip());
            });
        }
        return text.isEmpty() ? Optional.empty() : Optional.of(text.toString());
    }
}
