package io.gatekit.routing;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.plugins.Plugins;
import io.gatekit.upstream.Upstream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import tools.jackson.databind.node.StringNode;

/**
 * Builds a merged list by asking every ready upstream that has the capability, in parallel, following each
 * upstream's own pagination, and merging in config order with names (tools, prompts) and URIs (resources,
 * templates) qualified as {@code upstream__...}; a tool whose qualified name providers would refuse is listed under
 * the alias {@link ToolAliases} gives it. An upstream that is down or fails is left out and named in the snapshot
 * rather than failing the whole list.
 */
final class ListAggregator {
    private static final Logger log = LoggerFactory.getLogger(ListAggregator.class);
    private static final int MAX_PAGES = 1000;

    private final Forwarder forwarder;
    private final ResourceIndex resources;
    private final ToolAliases toolAliases;
    private final Plugins plugins;

    ListAggregator(Forwarder forwarder, ResourceIndex resources, ToolAliases toolAliases, Plugins plugins) {
        this.forwarder = forwarder;
        this.resources = resources;
        this.toolAliases = toolAliases;
        this.plugins = plugins;
    }

    ListCache.Snapshot build(ListKind kind, List<Upstream> upstreams, long deadlineNanos) {
        Map<String, String> leftOut = new LinkedHashMap<>();
        List<Upstream> asked = new ArrayList<>();
        for (Upstream upstream : upstreams) {
            boolean offers = upstream.info().map(i -> i.has(kind.capability)).orElse(true);
            if (upstream.state() == Upstream.State.READY) {
                if (upstream.info().map(i -> i.has(kind.capability)).orElse(false)) {
                    asked.add(upstream);
                }
            } else if (offers) {
                leftOut.put(upstream.name(), upstream.state().name().toLowerCase(java.util.Locale.ROOT)
                        + upstream.lastError().map(e -> ": " + e).orElse(""));
            }
        }
        List<Future<Part>> parts = new ArrayList<>();
        try (ExecutorService fanOut = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Upstream upstream : asked) {
                parts.add(fanOut.submit(() -> fetchAll(kind, upstream, deadlineNanos)));
            }
        }
        ArrayNode merged = JsonNodeFactory.instance.arrayNode();
        boolean complete = true;
        ListCache.CacheHints hints = null;
        for (int i = 0; i < asked.size(); i++) {
            try {
                Part part = parts.get(i).get();
                merged.addAll(part.items());
                hints = hints == null ? part.hints() : hints.merge(part.hints());
            } catch (Exception e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                complete = false;
                leftOut.put(asked.get(i).name(), cause.getMessage());
                log.warn("{} from upstream {} left out: {}", kind.method, asked.get(i).name(), cause.getMessage());
            }
        }
        // Nothing to go on (no part answered) or a part missing (the list will change once it is back): no caching.
        if (hints == null || !complete || !leftOut.isEmpty()) {
            hints = ListCache.CacheHints.NONE;
        }
        return new ListCache.Snapshot(0, merged, complete, Map.copyOf(leftOut), hints, System.nanoTime());
    }

    /** One upstream's items, all pages, and the caching hints its pages gave (merged). */
    private record Part(List<JsonNode> items, ListCache.CacheHints hints) {}

    /** Fetches one upstream's tool list, which records its aliases (for a call naming an alias not yet seen). */
    void fetchTools(Upstream upstream, long deadlineNanos) {
        fetchAll(ListKind.TOOLS, upstream, deadlineNanos);
    }

    private Part fetchAll(ListKind kind, Upstream upstream, long deadlineNanos) {
        // Read before the first page: a change while fetching leaves what is recorded stale, so it is fetched again.
        long toolsEpoch = kind == ListKind.TOOLS ? toolAliases.epoch() : 0;
        List<JsonNode> items = new ArrayList<>();
        ListCache.CacheHints hints = null;
        String cursor = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            ObjectNode params = JsonNodeFactory.instance.objectNode();
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            Request request = new Request(JsonRpcIds.of(0), kind.method, params);
            Response answer = forwarder.call(null, upstream, request, new CompletableFuture<>(), deadlineNanos);
            // The upstream's own page, in its own names, meets that upstream's plugins before it is merged and cached.
            Response response = answer.isError() ? answer : plugins.upstreamListPage(upstream.name(), request, answer);
            JsonRpcError error = response.error();
            if (error != null) {
                throw new GatewayException(error);
            }
            ListCache.CacheHints pageHints = ListCache.CacheHints.of(response.successResult());
            hints = hints == null ? pageHints : hints.merge(pageHints);
            for (JsonNode item : response.successResult().path(kind.resultKey)) {
                items.add(item);
            }
            JsonNode next = response.successResult().get("nextCursor");
            if (next == null || !next.isString() || next.stringValue().isEmpty()) {
                // Tools are named over the whole list: whether a name collides depends on the others.
                return new Part(kind == ListKind.TOOLS ? toolAliases.expose(upstream.name(), items, toolsEpoch)
                        : items.stream().map(item -> qualify(kind, upstream.name(), item)).toList(), hints);
            }
            cursor = next.stringValue();
        }
        throw new GatewayException(ErrorCode.INTERNAL_ERROR,
                "upstream '" + upstream.name() + "' returned more than " + MAX_PAGES + " pages of " + kind.resultKey);
    }

    private JsonNode qualify(ListKind kind, String upstream, JsonNode item) {
        if (!(item instanceof ObjectNode object) || !(object.get(kind.qualifiedMember) instanceof StringNode value)) {
            return item;
        }
        String original = value.stringValue();
        if (kind == ListKind.RESOURCES) {
            resources.recordResource(original, upstream);
        } else if (kind == ListKind.RESOURCE_TEMPLATES) {
            resources.recordTemplate(original, upstream);
        }
        ObjectNode copy = object.deepCopy();
        copy.put(kind.qualifiedMember, Namespace.qualify(upstream, original));
        return copy;
    }
}
