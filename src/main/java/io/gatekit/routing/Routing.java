package io.gatekit.routing;

import io.gatekit.chain.Link;
import io.gatekit.config.LimitsConfig;
import io.gatekit.config.TimeoutsConfig;
import io.gatekit.control.AdmissionController;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.plugins.Plugins;
import io.gatekit.security.policy.CurrentPolicy;
import io.gatekit.security.policy.ToolHints;
import io.gatekit.session.ClientSession;
import io.gatekit.session.SessionDirectory;
import io.gatekit.upstream.Upstream;
import io.gatekit.upstream.UpstreamListener;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The routing side of one gateway, wired once: the upstream set, the links routing contributes to the request
 * chain (in the order {@code Gateway} places them), what clients coming and going mean for routing, and the
 * listener for what upstreams send on their own. It holds no logic of its own; each job is one class of this
 * package. {@link #reconfigure} passes a hot reload's timeouts and limits to the classes that use them.
 */
public final class Routing {
    private final UpstreamSet upstreams = new UpstreamSet();
    private final ListCache cache = new ListCache();
    private final Forwarder forwarder;
    private final ToolAliases toolAliases = new ToolAliases(() -> cache.epoch(ListKind.TOOLS));
    private final Lifecycle lifecycle;
    private final ChangeAnnouncer announcer;
    private final ResourceSubscriptions subscriptions;
    private final LogLevels logLevels;
    private final Targeting targeting;
    private final ListPager lists;
    private final GatewayMethods gatewayMethods;
    private final HeldCalls heldCalls = new HeldCalls();
    private final InputBridge inputBridge;
    private final EraTranslation eraTranslation = new EraTranslation();
    private final Forwarding forwarding;
    private final UpstreamEvents events;
    private final Plugins plugins;

    public Routing(AdmissionController admission, Duration requestTimeout, int pageSize, SessionDirectory sessions,
            Duration startupWait, String version, JsonRpcCodec codec, Plugins plugins, CurrentPolicy policy) {
        this.plugins = plugins;
        this.forwarder = new Forwarder(admission, requestTimeout);
        ResourceIndex resources = new ResourceIndex();
        ListAggregator aggregator = new ListAggregator(forwarder, resources, toolAliases, plugins);
        Targets targets = new Targets(upstreams, resources, toolAliases, aggregator::fetchTools,
                // Under a policy an unknown upstream must look like a hidden one.
                () -> !policy.get().isConfigured());
        this.lifecycle = new Lifecycle(upstreams::all, startupWait, version);
        this.announcer = new ChangeAnnouncer(sessions, cache, upstreams);
        this.subscriptions = new ResourceSubscriptions(upstreams, targets, forwarder, lifecycle, policy);
        this.logLevels = new LogLevels(sessions, upstreams, forwarder);
        this.targeting = new Targeting(targets);
        this.lists = new ListPager(upstreams, aggregator, cache, pageSize, policy, toolAliases);
        this.gatewayMethods = new GatewayMethods(lifecycle, lists, subscriptions, logLevels);
        this.inputBridge = new InputBridge(codec, forwarder);
        this.forwarding = new Forwarding(forwarder);
        this.events = new UpstreamEvents(sessions, announcer, subscriptions, logLevels, heldCalls, plugins);
    }

    /** The gateway's plugins, for the messages that travel outside a request's chain. */
    public Plugins plugins() {
        return plugins;
    }

    /** Resolves {@code upstream__name} targets and renames them into the upstream's terms (and errors back). */
    public Link targeting() {
        return targeting;
    }

    /** Whether a tool, as the merged list shows it, is read-only: what the access policy's call decisions read. */
    public ToolHints toolHints() {
        return lists.toolHints();
    }

    /** Answers the gateway's own methods; passes on what goes upstream. */
    public Link gatewayMethods() {
        return gatewayMethods;
    }

    /** Takes a 2026-07-28 client's retry over the handshake-era upstream call held for its input. */
    public Link heldCalls() {
        return heldCalls;
    }

    /** Lets a legacy client answer a stateless upstream's requests for input. */
    public Link inputBridge() {
        return inputBridge;
    }

    /** Gives a handshake-era upstream a client's request without the 2026-07-28 envelope. */
    public Link eraTranslation() {
        return eraTranslation;
    }

    /** The last link: the upstream call. */
    public Link forwarding() {
        return forwarding;
    }

    /** Receives what upstreams send on their own. */
    public UpstreamListener events() {
        return events;
    }

    /** Replaces the set of upstreams (at start and on hot reload); merged lists are rebuilt on next use. */
    public void setUpstreams(List<Upstream> next) {
        upstreams.replace(next);
        cache.invalidateAll();
        toolAliases.retain(upstreams.names());
    }

    /** What listing the tools found: how many, the upstreams left out and why, the tools listed under an alias. */
    public record ToolListing(int tools, Map<String, String> leftOut, List<ToolAlias> aliases) {}

    /** Lists the merged tools (from the cache, or fetched now), as a client would see them. */
    public ToolListing listTools(long deadlineNanos) {
        ListCache.Snapshot tools = lists.merged(ListKind.TOOLS, deadlineNanos);
        return new ToolListing(tools.items().size(), tools.leftOut(), toolAliases());
    }

    /** The tools listed under an alias, as last listed, in config order of their upstreams. */
    public List<ToolAlias> toolAliases() {
        return toolAliases.aliases(upstreams.names());
    }

    public Collection<Upstream> upstreams() {
        return upstreams.all();
    }

    /** Whether some upstream is starting (a request for it waits rather than fails). */
    public boolean anyUpstreamStarting() {
        return upstreams.anyStarting();
    }

    /**
     * Applies a hot reload's timeouts and limits: the gateway's own calls get the new {@code request_timeout},
     * {@code initialize} waits up to the new {@code connection_timeout} for upstreams, and merged lists are paged
     * by the new {@code list_page_size}.
     */
    public void reconfigure(TimeoutsConfig timeouts, LimitsConfig limits) {
        forwarder.reconfigure(timeouts.request());
        lifecycle.reconfigure(timeouts.connection());
        lists.reconfigure(limits.listPageSize());
    }

    /** Every merged list may have changed (config reload). */
    public void allListsChanged() {
        announcer.allListsChanged();
    }

    /** A client sent {@code notifications/initialized}. */
    public void clientReady(ClientSession client) {
        lifecycle.clientReady(client, announcer);
    }

    /** A client's roots changed. */
    public void rootsChanged() {
        announcer.rootsChanged();
    }

    /** A client left: what only it was subscribed to is unsubscribed, and the shared log level may rise. */
    public void clientGone(ClientSession client) {
        subscriptions.clientGone(client);
        logLevels.clientGone();
    }
}
