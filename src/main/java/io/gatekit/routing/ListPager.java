package io.gatekit.routing;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.security.policy.CallerPolicy;
import io.gatekit.security.policy.CurrentPolicy;
import io.gatekit.security.policy.ToolHints;
import io.gatekit.session.ClientSession;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers the merged list methods a page at a time: from the cached merged list (built by {@link ListAggregator}
 * on first use), with the gateway's own cursors, the 2026-07-28 caching hints for clients of that era, and the
 * upstreams left out named in {@code _meta}.
 */
final class ListPager {
    /** The vendor {@code _meta} key naming upstreams left out of a merged list, and why. */
    static final String UNAVAILABLE_META = "io.gatekit/unavailableUpstreams";

    private final UpstreamSet upstreams;
    private final ListAggregator lists;
    private final ListCache cache;
    private final CurrentPolicy policy;
    private final ListAccess access;
    private final Cursors cursors = new Cursors();
    /** {@code list_page_size}; a reload replaces it (cursors hold offsets, so paging on goes on across it). */
    private volatile int pageSize;

    ListPager(UpstreamSet upstreams, ListAggregator lists, ListCache cache, int pageSize, CurrentPolicy policy,
            ToolAliases toolAliases) {
        this.upstreams = upstreams;
        this.lists = lists;
        this.cache = cache;
        this.policy = policy;
        this.access = new ListAccess(toolAliases, deadline -> merged(ListKind.TOOLS, deadline));
        this.pageSize = pageSize;
    }

    void reconfigure(int pageSize) {
        this.pageSize = pageSize;
    }

    ObjectNode page(ClientSession client, ListKind kind, ObjectNode params, long deadline) {
        JsonNode cursor = params.get("cursor");
        ListCache.Snapshot snapshot;
        int offset = 0;
        // Offsets count the items this caller sees: the same filter over the same snapshot gives the same list.
        CallerPolicy caller = policy.get().forCaller(client.principal());
        if (cursor != null && !cursor.isNull()) {
            if (!cursor.isString()) {
                throw new GatewayException(ErrorCode.INVALID_PARAMS, "\"cursor\" must be a string");
            }
            Cursors.Position position = cursors.decode(cursor.stringValue(), kind);
            snapshot = cache.forCursor(kind, position.version());
            if (snapshot == null) {
                throw new GatewayException(ErrorCode.INVALID_PARAMS, "Stale cursor for " + kind.method
                        + ": the list changed since it was issued; list again without a cursor");
            }
            offset = position.offset();
        } else {
            snapshot = merged(kind, deadline);
        }
        List<JsonNode> items = access.visible(kind, snapshot.items(), caller);
        offset = Math.min(offset, items.size());
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        ArrayNode page = result.putArray(kind.resultKey);
        int end = Math.min(offset + pageSize, items.size());
        for (int i = offset; i < end; i++) {
            page.add(items.get(i));
        }
        if (end < items.size()) {
            result.put("nextCursor", cursors.encode(new Cursors.Position(kind, snapshot.version(), end)));
        }
        if (client.info().isModern()) {
            // 2026-07-28 caching hints, merged over the upstreams (ListCache.CacheHints); legacy clients get none.
            result.put("ttlMs", snapshot.hints().remainingMs(System.nanoTime() - snapshot.builtAtNanos()));
            result.put("cacheScope", snapshot.hints().isPrivate() ? "private" : "public");
        }
        if (!snapshot.leftOut().isEmpty()) {
            ObjectNode unavailable = result.putObject("_meta").putObject(UNAVAILABLE_META);
            snapshot.leftOut().forEach(unavailable::put);
        }
        return result;
    }

    /** Whether a listed tool is read-only, for the policy's call decisions. */
    ToolHints toolHints() {
        return access;
    }

    /** The merged list of {@code kind}: the cached one, or one built now. */
    ListCache.Snapshot merged(ListKind kind, long deadline) {
        return cache.get(kind, () -> lists.build(kind, List.copyOf(upstreams.all()), deadline));
    }
}
