package io.gatekit.routing;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
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
    private final Cursors cursors = new Cursors();
    /** {@code list_page_size}; a reload replaces it (cursors hold offsets, so paging on goes on across it). */
    private volatile int pageSize;

    ListPager(UpstreamSet upstreams, ListAggregator lists, ListCache cache, int pageSize) {
        this.upstreams = upstreams;
        this.lists = lists;
        this.cache = cache;
        this.pageSize = pageSize;
    }

    void reconfigure(int pageSize) {
        this.pageSize = pageSize;
    }

    ObjectNode page(ClientSession client, ListKind kind, ObjectNode params, long deadline) {
        JsonNode cursor = params.get("cursor");
        ListCache.Snapshot snapshot;
        int offset = 0;
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
            offset = Math.min(position.offset(), snapshot.items().size());
        } else {
            snapshot = merged(kind, deadline);
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        ArrayNode page = result.putArray(kind.resultKey);
        int end = Math.min(offset + pageSize, snapshot.items().size());
        for (int i = offset; i < end; i++) {
            page.add(snapshot.items().get(i));
        }
        if (end < snapshot.items().size()) {
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

    /** The merged list of {@code kind}: the cached one, or one built now. */
    ListCache.Snapshot merged(ListKind kind, long deadline) {
        return cache.get(kind, () -> lists.build(kind, List.copyOf(upstreams.all()), deadline));
    }
}
