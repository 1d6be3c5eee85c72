package io.gatekit.routing;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.session.ClientSession;
import io.gatekit.upstream.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers the list methods by asking every ready upstream that has the capability, in parallel, following each
 * upstream's own pagination, and merging in config order. An upstream that is down or fails is left out (and
 * logged) rather than failing the whole list.
 */
final class ListAggregator {
    private static final Logger log = LoggerFactory.getLogger(ListAggregator.class);
    private static final int MAX_PAGES = 1000;

    private final Forwarder forwarder;
    private final ResourceIndex resources;

    ListAggregator(Forwarder forwarder, ResourceIndex resources) {
        this.forwarder = forwarder;
        this.resources = resources;
    }

    ObjectNode list(ClientSession client, ListKind kind, List<Upstream> upstreams, long deadlineNanos) {
        List<Upstream> asked = upstreams.stream()
                .filter(u -> u.state() == Upstream.State.READY)
                .filter(u -> u.info().map(i -> i.has(kind.capability)).orElse(false))
                .toList();
        List<Future<List<JsonNode>>> parts = new ArrayList<>();
        try (ExecutorService fanOut = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Upstream upstream : asked) {
                parts.add(fanOut.submit(() -> fetchAll(client, kind, upstream, deadlineNanos)));
            }
        }
        ArrayNode merged = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < asked.size(); i++) {
            try {
                merged.addAll(parts.get(i).get());
            } catch (Exception e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                log.warn("{} from upstream {} left out: {}", kind.method, asked.get(i).name(), cause.getMessage());
            }
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.set(kind.resultKey, merged);
        return result;
    }

    private List<JsonNode> fetchAll(ClientSession client, ListKind kind, Upstream upstream, long deadlineNanos) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            ObjectNode params = JsonNodeFactory.instance.objectNode();
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            Response response = forwarder.call(client, upstream, new Request(JsonRpcIds.of(0), kind.method, params),
                    new CompletableFuture<>(), deadlineNanos);
            if (response.isError()) {
                throw new GatewayException(response.error());
            }
            for (JsonNode item : response.result().path(kind.resultKey)) {
                items.add(rename(kind, upstream.name(), item));
            }
            JsonNode next = response.result().get("nextCursor");
            if (next == null || !next.isString() || next.stringValue().isEmpty()) {
                return items;
            }
            cursor = next.stringValue();
        }
        throw new GatewayException(ErrorCode.INTERNAL_ERROR,
                "upstream '" + upstream.name() + "' returned more than " + MAX_PAGES + " pages of " + kind.resultKey);
    }

    private JsonNode rename(ListKind kind, String upstream, JsonNode item) {
        if (!(item instanceof ObjectNode object)) {
            return item;
        }
        if (kind.qualifiedMember != null) {
            JsonNode name = object.get(kind.qualifiedMember);
            if (name != null && name.isString()) {
                ObjectNode copy = object.deepCopy();
                copy.put(kind.qualifiedMember, Namespace.qualify(upstream, name.stringValue()));
                return copy;
            }
            return item;
        }
        if (kind == ListKind.RESOURCES && object.get("uri") instanceof JsonNode uri && uri.isString()) {
            resources.recordResource(uri.stringValue(), upstream);
        } else if (kind == ListKind.RESOURCE_TEMPLATES && object.get("uriTemplate") instanceof JsonNode t && t.isString()) {
            resources.recordTemplate(t.stringValue(), upstream);
        }
        return item;
    }
}
