package io.gatekit.routing;

import io.gatekit.jsonrpc.ProtocolVersions;
import io.gatekit.control.AdmissionController;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.session.ClientInfo;
import io.gatekit.session.ClientSession;
import io.gatekit.session.InFlight;
import io.gatekit.session.SessionDirectory;
import io.gatekit.session.SubscriptionFilter;
import io.gatekit.upstream.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decides where each client request goes and produces its answer: the gateway's own methods (initialize,
 * ping, the merged lists, subscriptions and listen streams, log levels) are answered here; tools, prompts,
 * resources and completions go to the one upstream their qualified name or URI belongs to, renamed into that
 * upstream's terms. This is the one place where requests are routed, and where it is decided which clients hear
 * what upstreams announce (list changes, resource updates). Runs on the request's own virtual thread.
 */
public final class Router {
    private static final Logger log = LoggerFactory.getLogger(Router.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The vendor {@code _meta} key naming upstreams left out of a merged list, and why. */
    public static final String UNAVAILABLE_META = "io.gatekit/unavailableUpstreams";

    /** By name, in config order; replaced whole on reload, so one read sees one consistent set. */
    private volatile Map<String, Upstream> upstreams = Map.of();
    private final Forwarder forwarder;
    private final ListAggregator lists;
    private final ListCache cache = new ListCache();
    private final Cursors cursors = new Cursors();
    private final ResourceIndex resources = new ResourceIndex();
    private final Subscriptions subscriptions = new Subscriptions();
    private final SessionDirectory sessions;
    private final int pageSize;
    private final Lifecycle lifecycle;
    private final InputBridge inputs;
    /** The level last sent to the upstreams with {@code logging/setLevel}. */
    private LogLevel appliedLogLevel;

    public Router(AdmissionController admission, Duration requestTimeout, int pageSize, SessionDirectory sessions,
            Duration startupWait, String version, io.gatekit.jsonrpc.JsonRpcCodec codec) {
        this.forwarder = new Forwarder(admission, requestTimeout);
        this.inputs = new InputBridge(codec);
        this.lists = new ListAggregator(forwarder, resources);
        this.pageSize = pageSize;
        this.sessions = sessions;
        this.lifecycle = new Lifecycle(this::upstreams, startupWait, version);
    }

    /** Replaces the set of upstreams (at start and on hot reload); merged lists are rebuilt on next use. */
    public void setUpstreams(List<Upstream> next) {
        Map<String, Upstream> byName = new LinkedHashMap<>();
        next.forEach(u -> byName.put(u.name(), u));
        upstreams = java.util.Collections.unmodifiableMap(byName);
        cache.invalidateAll();
    }

    /** Whether some upstream is starting (a request for it waits rather than fails). */
    public boolean anyUpstreamStarting() {
        for (Upstream upstream : upstreams.values()) {
            if (upstream.state() == Upstream.State.STARTING) {
                return true;
            }
        }
        return false;
    }

    /** The upstreams in config order. */
    public Collection<Upstream> upstreams() {
        return upstreams.values();
    }

    Lifecycle lifecycle() {
        return lifecycle;
    }

    /**
     * Handles one client request and returns the response to send (with the client's id), or null when the
     * client cancelled it and no answer is due.
     */
    public Response handle(ClientSession client, Request request, InFlight inFlight) {
        long deadline = inFlight.startNanos() + forwarder.requestTimeout().toNanos();
        try {
            JsonNode result = dispatch(client, request, inFlight, deadline);
            return result == null || inFlight.isCancelled() ? null : Response.success(request.id(), result);
        } catch (GatewayException e) {
            return Response.failure(request.id(), e.error());
        } catch (CancellationException e) {
            return null;
        } catch (RuntimeException e) {
            log.error("request {} from {} failed", request.method(), client, e);
            return Response.failure(request.id(), JsonRpcError.of(ErrorCode.INTERNAL_ERROR,
                    "Internal gateway error handling " + request.method() + ": " + e));
        }
    }

    private JsonNode dispatch(ClientSession client, Request request, InFlight inFlight, long deadline) {
        String method = request.method();
        ObjectNode params = request.params() instanceof ObjectNode o ? o : NODES.objectNode();
        switch (method) {
            case "initialize" -> {
                return lifecycle.initialize(client, params);
            }
            case "ping" -> {
                return NODES.objectNode();
            }
            case "tools/call", "prompts/get", "resources/read", "completion/complete" -> {
                Route route = route(method, params);
                return forward(client, route.target(), request, route.params(), inFlight, deadline);
            }
            case "resources/subscribe", "resources/unsubscribe" -> {
                return subscription(client, request, params, inFlight, deadline);
            }
            case "subscriptions/listen" -> {
                return listen(client, params, deadline);
            }
            case "logging/setLevel" -> {
                return setLevel(client, params, deadline);
            }
            default -> {
                ListKind kind = ListKind.forMethod(method);
                if (kind == null) {
                    throw new GatewayException(ErrorCode.METHOD_NOT_FOUND, "Method not found: " + method);
                }
                return page(client, kind, params, deadline);
            }
        }
    }

    private JsonNode page(ClientSession client, ListKind kind, ObjectNode params, long deadline) {
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
            snapshot = cache.get(kind, () -> lists.build(kind, List.copyOf(upstreams()), deadline));
        }
        ObjectNode result = NODES.objectNode();
        ArrayNode page = result.putArray(kind.resultKey);
        int end = Math.min(offset + pageSize, snapshot.items().size());
        for (int i = offset; i < end; i++) {
            page.add(snapshot.items().get(i));
        }
        if (end < snapshot.items().size()) {
            result.put("nextCursor", cursors.encode(new Cursors.Position(kind, snapshot.version(), end)));
        }
        if (client != null && client.info().isModern()) {
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

    private JsonNode forward(ClientSession client, Namespace.Qualified target, Request request, ObjectNode upstreamParams,
            InFlight inFlight, long deadline) {
        Upstream upstream = upstreams.get(target.upstream());
        if (upstream == null) {
            throw new GatewayException(ErrorCode.INVALID_PARAMS, "No upstream named '" + target.upstream() + "'");
        }
        Request call = request.withParams(upstreamParams);
        Response response = forwarder.call(client, upstream, call, inFlight.outcome(), deadline);
        if (mayNeedInputBridge(client, upstream) && inputs.asksForInput(response)) {
            // A legacy client cannot answer input_required itself: ask it the legacy way, then retry upstream.
            // A retry is a new upstream request; the client's cancel reaches the first, the deadline bounds them all.
            response = inputs.settle(client, upstream, call, response, deadline,
                    retry -> forwarder.call(client, upstream, retry, new CompletableFuture<>(), deadline));
        }
        if (response.isError()) {
            throw new GatewayException(qualifyError(response.error(), target));
        }
        return response.result();
    }

    /** An upstream's error names the tool as it knows it; show the client the name it used. */
    private static JsonRpcError qualifyError(JsonRpcError error, Namespace.Qualified target) {
        String message = error.message();
        String qualified = Namespace.qualify(target.upstream(), target.name());
        if (message.contains(target.name()) && !message.contains(qualified)) {
            message = message.replaceAll("(?<![\\w.-])" + java.util.regex.Pattern.quote(target.name()) + "(?![\\w.-])",
                    java.util.regex.Matcher.quoteReplacement(qualified));
        }
        return new JsonRpcError(error.code(), message, error.data());
    }

    private JsonNode subscription(ClientSession client, Request request, ObjectNode params, InFlight inFlight, long deadline) {
        Namespace.Qualified target = resolveUri(requireString(params, "uri", request.method()));
        Subscriptions.Key key = new Subscriptions.Key(target.upstream(), target.name());
        boolean subscribe = request.method().equals("resources/subscribe");
        boolean upstreamNeedsIt = subscribe ? subscriptions.subscribe(key, client) : subscriptions.unsubscribe(key, client);
        if (!upstreamNeedsIt) {
            return NODES.objectNode();
        }
        try {
            return forward(client, target, request, withMember(params, "uri", target.name()), inFlight, deadline);
        } catch (RuntimeException e) {
            if (subscribe) {
                subscriptions.unsubscribe(key, client);
            }
            throw e;
        }
    }

    /**
     * 2026-07-28 {@code subscriptions/listen}, from a client whose transport holds the stream open (over HTTP,
     * one gateway client per stream). Works out what the gateway can deliver: a list's changes when the merged
     * capabilities say {@code listChanged}, a resource's updates when its URI resolves to an upstream that
     * supports {@code subscribe} and that subscription is in place upstream (shared and reference-counted with
     * every other subscriber, legacy sessions included). The honoured subset is recorded on the client, so
     * {@link #listChanged} and {@link #resourceUpdated} reach it, and returned as {@code {notifications}}: the
     * transport sends it as {@code notifications/subscriptions/acknowledged}, tags what follows with the
     * listen request's id, and answers the request itself only when the stream ends. Leaving
     * ({@link #clientGone}) unsubscribes upstream what only this stream wanted.
     */
    private JsonNode listen(ClientSession client, ObjectNode params, long deadline) {
        if (!client.info().isModern()) {
            throw new GatewayException(ErrorCode.METHOD_NOT_FOUND, "Method not found: subscriptions/listen belongs to"
                    + " protocol revision " + ProtocolVersions.MODERN + "; this session negotiated "
                    + client.info().protocolVersion() + " (use resources/subscribe; list changes arrive unsolicited)");
        }
        SubscriptionFilter requested = SubscriptionFilter.parse(params.get("notifications"));
        ObjectNode capabilities = lifecycle.capabilities();
        List<String> subscribed = new ArrayList<>();
        for (String uri : requested.resourceSubscriptions()) {
            if (subscribeListener(client, uri, deadline)) {
                subscribed.add(uri);
            }
        }
        SubscriptionFilter honoured = new SubscriptionFilter(
                requested.toolsListChanged() && offersListChanged(capabilities, "tools"),
                requested.promptsListChanged() && offersListChanged(capabilities, "prompts"),
                requested.resourcesListChanged() && offersListChanged(capabilities, "resources"),
                subscribed);
        client.listen(honoured);
        if (client.isClosed()) {
            // The stream closed while this ran, so its clientGone may have come before these subscriptions: undo them.
            clientGone(client);
        }
        ObjectNode result = NODES.objectNode();
        result.set("notifications", honoured.toJson());
        return result;
    }

    private static boolean offersListChanged(ObjectNode capabilities, String feature) {
        return capabilities.path(feature).path("listChanged").asBoolean(false);
    }

    /**
     * Subscribes a listening client to one resource, upstream too when it is the first subscriber. False, with
     * nothing kept, when no upstream can deliver that resource's updates: an unknown URI, an upstream without
     * {@code resources.subscribe}, or an upstream that refused or failed the subscription.
     */
    private boolean subscribeListener(ClientSession client, String uri, long deadline) {
        Namespace.Qualified target;
        try {
            target = resolveUri(uri);
        } catch (GatewayException e) {
            return false;
        }
        Upstream upstream = upstreams.get(target.upstream());
        boolean supported = upstream != null && upstream.info()
                .map(i -> i.capabilities().path("resources").path("subscribe").asBoolean(false)).orElse(false);
        if (!supported) {
            return false;
        }
        Subscriptions.Key key = new Subscriptions.Key(target.upstream(), target.name());
        if (!subscriptions.subscribe(key, client)) {
            return true; // the upstream is already subscribed for someone else
        }
        // The gateway's own bookkeeping call (no origin client), like the replay after an upstream restart.
        String problem;
        try {
            Response response = forwarder.call(null, upstream, new Request(JsonRpcIds.of(0), "resources/subscribe",
                    NODES.objectNode().put("uri", target.name())), new CompletableFuture<>(), deadline);
            problem = response.isError() ? response.error().message() : null;
        } catch (GatewayException e) {
            problem = e.getMessage();
        }
        if (problem == null) {
            return true;
        }
        log.warn("subscriptions/listen: upstream {} did not subscribe to {}: {}", upstream.name(), target.name(), problem);
        subscriptions.unsubscribe(key, client);
        return false;
    }

    /** A legacy client calling a stateless upstream, whose answer may ask for input the client must be asked for. */
    private static boolean mayNeedInputBridge(ClientSession client, Upstream upstream) {
        return client != null && !client.info().isModern() && upstream.isModern();
    }

    /** A client left: unsubscribe upstream from what only it was subscribed to. */
    public void clientGone(ClientSession client) {
        for (Subscriptions.Key key : subscriptions.dropClient(client)) {
            callQuietly(upstreams.get(key.upstream()), "resources/unsubscribe", NODES.objectNode().put("uri", key.uri()));
        }
        recomputeLogLevel();
    }

    /** Upstream {@code notifications/resources/updated}: to the subscribers of that resource only. */
    void resourceUpdated(Upstream upstream, Notification notification) {
        String uri = notification.params() == null ? null : notification.params().path("uri").asString(null);
        if (uri == null) {
            return;
        }
        ObjectNode params = ((ObjectNode) notification.params()).deepCopy();
        params.put("uri", Namespace.qualify(upstream.name(), uri));
        Notification rewritten = new Notification(notification.method(), params);
        for (ClientSession client : subscriptions.subscribersOf(new Subscriptions.Key(upstream.name(), uri))) {
            client.send(rewritten);
        }
    }

    /** After an upstream (re)starts: replay its subscriptions and the clients' log level. */
    void upstreamReady(Upstream upstream) {
        Thread.ofVirtual().start(() -> {
            for (String uri : subscriptions.urisOf(upstream.name())) {
                callQuietly(upstream, "resources/subscribe", NODES.objectNode().put("uri", uri));
            }
            LogLevel level = mostVerboseLevel();
            if (level != null && upstream.info().map(i -> i.has("logging")).orElse(false)) {
                callQuietly(upstream, "logging/setLevel", NODES.objectNode().put("level", level.wire()));
            }
        });
    }

    /**
     * An upstream's list changed or it came or went: drop the merged list and tell the clients. Legacy clients
     * hear it unsolicited once initialized; 2026-07-28 clients only on a listen stream that asked for that list.
     */
    void listChanged(ListKind kind) {
        cache.invalidate(kind);
        if (kind == ListKind.RESOURCES) {
            cache.invalidate(ListKind.RESOURCE_TEMPLATES);
        }
        String method = switch (kind) {
            case TOOLS -> "notifications/tools/list_changed";
            case PROMPTS -> "notifications/prompts/list_changed";
            case RESOURCES, RESOURCE_TEMPLATES -> "notifications/resources/list_changed";
        };
        for (ClientSession client : sessions.all()) {
            // A legacy client hears changes once it has sent notifications/initialized: one still waiting for its
            // initialize answer (upstreams coming up meanwhile) will list after it anyway.
            boolean hears = client.info().isModern() ? client.listening().wantsListChanged(method) : client.isReady();
            if (hears) {
                client.send(new Notification(method, null));
            }
        }
    }

    /** Every merged list may have changed (config reload). */
    public void allListsChanged() {
        listChanged(ListKind.TOOLS);
        listChanged(ListKind.PROMPTS);
        listChanged(ListKind.RESOURCES);
    }

    private JsonNode setLevel(ClientSession client, ObjectNode params, long deadline) {
        LogLevel level = LogLevel.parse(requireString(params, "level", "logging/setLevel"));
        if (level == null) {
            throw new GatewayException(ErrorCode.INVALID_PARAMS, "Unknown log level '" + params.path("level").asString()
                    + "' (debug, info, notice, warning, error, critical, alert, emergency)");
        }
        client.setLogLevel(level.wire());
        recomputeLogLevel();
        return NODES.objectNode();
    }

    /**
     * Shared upstreams log at the most verbose level any legacy session asked for; each client's view is
     * filtered. Only a change is sent upstream, so clients coming and going cost nothing when it stays the same.
     */
    private synchronized void recomputeLogLevel() {
        LogLevel level = mostVerboseLevel();
        if (level == null || level == appliedLogLevel) {
            return;
        }
        appliedLogLevel = level;
        for (Upstream upstream : upstreams()) {
            if (upstream.state() == Upstream.State.READY && upstream.info().map(i -> i.has("logging")).orElse(false)) {
                callQuietly(upstream, "logging/setLevel", NODES.objectNode().put("level", level.wire()));
            }
        }
    }

    /** The most verbose level a legacy session set; a 2026-07-28 client's level travels with each request instead. */
    private LogLevel mostVerboseLevel() {
        LogLevel min = null;
        for (ClientSession client : sessions.all()) {
            LogLevel level = client.info().isModern() ? null : LogLevel.parse(client.logLevel());
            if (level != null && (min == null || level.ordinal() < min.ordinal())) {
                min = level;
            }
        }
        return min;
    }

    /**
     * True when a {@code notifications/message} at {@code level} passes the client's own threshold. A legacy
     * client that set none hears everything; a 2026-07-28 client hears nothing unless its request named a level.
     */
    static boolean wantsLog(ClientSession client, String level) {
        LogLevel threshold = LogLevel.parse(client.logLevel());
        if (threshold == null) {
            return !client.info().isModern();
        }
        LogLevel actual = LogLevel.parse(level);
        return actual == null || actual.ordinal() >= threshold.ordinal();
    }

    private void callQuietly(Upstream upstream, String method, ObjectNode params) {
        if (upstream == null || upstream.state() != Upstream.State.READY) {
            return;
        }
        try {
            Response response = forwarder.call(null, upstream, new Request(JsonRpcIds.of(0), method, params),
                    new CompletableFuture<>(), System.nanoTime() + forwarder.requestTimeout().toNanos());
            if (response.isError()) {
                log.warn("{} on upstream {} failed: {}", method, upstream.name(), response.error().message());
            }
        } catch (GatewayException e) {
            log.warn("{} on upstream {} failed: {}", method, upstream.name(), e.getMessage());
        }
    }

    /** A request that belongs to exactly one upstream, with its params renamed into that upstream's terms. */
    private record Route(Namespace.Qualified target, ObjectNode params) {}

    /**
     * Where a single-upstream request goes: tools and prompts by qualified name, resources by qualified URI,
     * completions by their ref. Throws -32602 when the name or URI belongs to no upstream.
     */
    private Route route(String method, ObjectNode params) {
        Namespace.Qualified target = target(method, params);
        return new Route(target, renamed(method, params, target));
    }

    /** The upstream and name a single-upstream request is for. */
    private Namespace.Qualified target(String method, ObjectNode params) {
        return switch (method) {
            case "tools/call", "prompts/get" -> resolve(requireString(params, "name", method),
                    method.startsWith("tools") ? "tool" : "prompt");
            case "resources/read" -> resolveUri(requireString(params, "uri", method));
            case "completion/complete" -> {
                ObjectNode ref = completionRef(params);
                String member = completionMember(ref);
                String value = requireString(ref, member, "completion/complete ref");
                yield member.equals("name") ? resolve(value, "prompt") : resolveUri(value);
            }
            default -> throw new IllegalArgumentException("not a single-upstream method: " + method);
        };
    }

    /** The params in the upstream's own terms: its name or URI in place of the qualified one. */
    private static ObjectNode renamed(String method, ObjectNode params, Namespace.Qualified target) {
        return switch (method) {
            case "tools/call", "prompts/get" -> withMember(params, "name", target.name());
            case "resources/read" -> withMember(params, "uri", target.name());
            case "completion/complete" -> {
                ObjectNode ref = completionRef(params);
                yield withMember(params, "ref", withMember(ref, completionMember(ref), target.name()));
            }
            default -> throw new IllegalArgumentException("not a single-upstream method: " + method);
        };
    }

    private static ObjectNode completionRef(ObjectNode params) {
        if (!(params.get("ref") instanceof ObjectNode ref)) {
            throw new GatewayException(ErrorCode.INVALID_PARAMS, "completion/complete needs a \"ref\" object");
        }
        return ref;
    }

    private static String completionMember(ObjectNode ref) {
        String type = ref.path("type").asString("");
        return switch (type) {
            case "ref/prompt" -> "name";
            case "ref/resource" -> "uri";
            default -> throw new GatewayException(ErrorCode.INVALID_PARAMS, "Unknown completion ref type '" + type + "'");
        };
    }

    /**
     * The fast path for a request that goes to one upstream that is ready: forwarded from the client's reader
     * thread without a thread of its own, answered from the upstream's reader thread. {@code answer} receives
     * the response to send (null when the client cancelled). Returns false, having done nothing, when the
     * request needs the general path (its own methods, lists, an upstream still starting, or a bad name,
     * which the general path reports).
     */
    public boolean tryForwardAsync(ClientSession client, Request request, InFlight inFlight,
            java.util.function.Consumer<Response> answer) {
        String method = request.method();
        if (!ASYNC_METHODS.contains(method) || !(request.params() instanceof ObjectNode params)) {
            return false;
        }
        Namespace.Qualified target;
        try {
            target = target(method, params);
        } catch (GatewayException e) {
            return false;
        }
        Upstream upstream = upstreams.get(target.upstream());
        if (upstream == null || upstream.state() != Upstream.State.READY) {
            return false;
        }
        if (mayNeedInputBridge(client, upstream)) {
            return false; // its answer may ask for input, which the thread path bridges for a legacy client
        }
        ObjectNode upstreamParams = renamed(method, params, target);
        long deadline = inFlight.startNanos() + forwarder.requestTimeout().toNanos();
        forwarder.callAsync(client, upstream, request.withParams(upstreamParams), inFlight.outcome(), deadline,
                (response, failure) -> answer.accept(reply(request, target, inFlight, response, failure)));
        return true;
    }

    private static final java.util.Set<String> ASYNC_METHODS =
            java.util.Set.of("tools/call", "prompts/get", "resources/read", "completion/complete");

    private Response reply(Request request, Namespace.Qualified target, InFlight inFlight, Response response,
            RuntimeException failure) {
        if (failure instanceof CancellationException || inFlight.isCancelled()) {
            return null;
        }
        if (failure instanceof GatewayException g) {
            return Response.failure(request.id(), g.error());
        }
        if (failure != null) {
            log.error("request {} failed", request.method(), failure);
            return Response.failure(request.id(), JsonRpcError.of(ErrorCode.INTERNAL_ERROR, "Internal gateway error: " + failure));
        }
        return response.isError() ? Response.failure(request.id(), qualifyError(response.error(), target))
                : Response.success(request.id(), response.result());
    }

    private final java.util.Set<String> rootsAskers = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Remembers that an upstream uses roots, so it hears when they change. */
    void rootsAskedBy(String upstream) {
        rootsAskers.add(upstream);
    }

    /** A client's roots changed (or a client with roots arrived): tell the upstreams that ask for roots. */
    void rootsChanged() {
        for (Upstream upstream : upstreams()) {
            if (rootsAskers.contains(upstream.name()) && upstream.config().forwardRoots()) {
                upstream.notify(new Notification("notifications/roots/list_changed", null));
            }
        }
    }

    private Namespace.Qualified resolve(String qualified, String what) {
        Namespace.Qualified target = Namespace.split(qualified).orElseThrow(() -> new GatewayException(ErrorCode.INVALID_PARAMS,
                "Unknown " + what + " '" + qualified + "': Gatekit names them <upstream>" + Namespace.SEPARATOR + "<name>"));
        if (!upstreams.containsKey(target.upstream())) {
            throw new GatewayException(ErrorCode.INVALID_PARAMS, "Unknown " + what + " '" + qualified
                    + "': no upstream named '" + target.upstream() + "' (upstreams: " + String.join(", ", upstreams.keySet()) + ")");
        }
        return target;
    }

    /**
     * A resource URI as clients see it: {@code upstream__<upstream's uri>}. A bare upstream URI (as found in
     * tool results, which are passed through untouched) is accepted too when one upstream is known to serve it.
     */
    private Namespace.Qualified resolveUri(String uri) {
        var split = Namespace.split(uri);
        if (split.isPresent() && upstreams.containsKey(split.get().upstream())) {
            return split.get();
        }
        String owner = resources.upstreamFor(uri).orElseGet(() -> {
            List<Upstream> withResources = upstreams().stream()
                    .filter(u -> u.info().map(i -> i.has("resources")).orElse(false)).toList();
            if (withResources.size() == 1) {
                return withResources.getFirst().name();
            }
            throw new GatewayException(ErrorCode.INVALID_PARAMS, "Unknown resource '" + uri
                    + "': Gatekit names resources <upstream>" + Namespace.SEPARATOR + "<uri> (see resources/list)");
        });
        return new Namespace.Qualified(owner, uri);
    }

    private static String requireString(ObjectNode params, String member, String where) {
        JsonNode value = params.get(member);
        if (value == null || !value.isString()) {
            throw new GatewayException(ErrorCode.INVALID_PARAMS, where + " needs a string \"" + member + "\"");
        }
        return value.stringValue();
    }

    /**
     * The params with one member replaced, in place: a decoded request's tree belongs to that request alone,
     * and copying a large {@code arguments} object per forward showed up in profiles.
     */
    private static ObjectNode withMember(ObjectNode object, String member, JsonNode value) {
        object.set(member, value);
        return object;
    }

    private static ObjectNode withMember(ObjectNode object, String member, String value) {
        return withMember(object, member, NODES.stringNode(value));
    }
}
