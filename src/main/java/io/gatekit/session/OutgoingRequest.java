package io.gatekit.session;

import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * A server-to-client request the gateway forwarded to this client under an id of its own; the client's answer
 * goes to {@code onReply}, which restores the upstream's id. {@code upstream} and {@code upstreamId} identify
 * the request for a later {@code notifications/cancelled} from the upstream.
 */
public record OutgoingRequest(String upstream, JsonNode upstreamId, String method, Consumer<Response> onReply) {}
