package io.gatekit;

import io.gatekit.chain.Link;
import io.gatekit.chain.RequestChain;
import io.gatekit.chain.RequestLogIds;
import io.gatekit.config.LogFormat;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.gatekit.config.GatewayConfig;
import io.gatekit.config.HttpConfig;
import io.gatekit.config.ScaleOutConfig;
import io.gatekit.config.TimeoutsConfig;
import io.gatekit.config.UpstreamConfig;
import io.gatekit.control.AdmissionController;
import io.gatekit.control.ClientAdmission;
import io.gatekit.control.DeadlineSweeper;
import io.gatekit.control.RateBuckets;
import io.gatekit.control.Deadlines;
import io.gatekit.control.UpstreamAdmission;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.observability.GatewayEvents;
import io.gatekit.observability.Observability;
import io.gatekit.observability.Observation;
import io.gatekit.observability.Tracing;
import io.gatekit.plugins.PluginRegistry;
import io.gatekit.plugins.Plugins;
import io.gatekit.routing.ClientDispatcher;
import io.gatekit.routing.Routing;
import io.gatekit.routing.ToolAlias;
import io.gatekit.scaleout.RedisRateBuckets;
import io.gatekit.security.policy.CurrentPolicy;
import io.gatekit.security.policy.PolicyEnforcement;
import io.gatekit.security.policy.PolicyLink;
import io.gatekit.session.ClientChannel;
import io.gatekit.session.ClientSession;
import io.gatekit.session.SessionDirectory;
import io.gatekit.transport.MessageHandler;
import io.gatekit.upstream.ProcessBudget;
import io.gatekit.upstream.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One running gateway, wired from an immutable config: its upstreams, its clients, and the request chain
 * between them. This is the composition root: the order of the chain's links is written here, once. Faces
 * (stdio, HTTP) sit above it and {@link #open} a client session per connection; any number may be open at once.
 * {@link #reload} applies a new config in place, each concern by the class that owns it.
 *
 * <p>Concurrency: {@link #reload} holds {@code reloadLock}, so reloads are serialised. The upstream map is
 * immutable and replaced whole through a volatile field, so client threads, the sweeper and the status file read
 * one consistent set without a lock; so are the config and the upstream settings. What faces asked to close with the gateway is a copy-on-write list (added per
 * connection, walked at close); {@code deadlines} is volatile, set at start and read at close.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

    private volatile GatewayConfig config;
    private final JsonRpcCodec codec;
    private final SessionDirectory sessions = new SessionDirectory();
    private final AdmissionController admission;
    /** Scaled out with Redis, the callers' and upstreams' rate-limit buckets are shared by the instances. */
    private final RateBuckets rateBuckets;
    private final Routing routing;
    private final Plugins plugins;
    private final CurrentPolicy policy;
    private final RequestChain chain;
    private final Observability observability;
    /** Whether requests' ids go into the logging MDC: JSON logs show them; text logs do not, so they cost nothing. */
    private final RequestLogIds requestLogIds = new RequestLogIds();
    private final Deadlines requestDeadlines;
    private volatile Upstream.Settings settings;
    private final Object reloadLock = new Object();
    private volatile Map<String, Upstream> upstreams = Map.of();
    private final AtomicLong clientCounter = new AtomicLong();
    /** What faces asked to be closed with the gateway (their connections). */
    private final List<AutoCloseable> closeWithGateway = new CopyOnWriteArrayList<>();
    private volatile @Nullable DeadlineSweeper deadlines;

    public Gateway(GatewayConfig config, String version) {
        this(config, version, PluginRegistry.forConfig(config));
    }

    /**
     * @param plugins the plugin handlers available (the built-ins, and third-party jars next to the config file)
     * @throws io.gatekit.config.ConfigException when a plugin entry is invalid or a critical plugin cannot start
     */
    public Gateway(GatewayConfig config, String version, PluginRegistry plugins) {
        this(config, version, plugins, config.observability().tracing()
                .map(tracing -> Tracing.start(tracing, version, config.proxy().transport())));
    }

    /**
     * @param tracing the gateway's tracing, in place of what {@code observability.tracing} says (tests give one with an
     *     in-memory exporter); closed with the gateway
     */
    public Gateway(GatewayConfig config, String version, PluginRegistry plugins, Optional<Tracing> tracing) {
        this.config = config;
        int maxMessageBytes = config.proxy().limits().maxMessageBytes();
        this.codec = JsonRpcCodec.forClients(maxMessageBytes);
        this.rateBuckets = rateBuckets(config);
        this.admission = new AdmissionController(config.proxy().limits(), rateBuckets);
        this.observability = new Observability(this::upstreams, sessions::size, config.observability().metrics(), tracing);
        GatewayEvents events = observability.events();
        this.plugins = new Plugins(plugins, config.plugins(), config.baseDirectory(), codec, events::pluginRan);
        this.policy = new CurrentPolicy(config.policy());
        this.routing = new Routing(admission, config.proxy().timeouts().request(), config.proxy().limits().listPageSize(),
                sessions, config.proxy().timeouts().connection(), version, codec, this.plugins, policy);
        this.requestDeadlines = new Deadlines(config.proxy().timeouts().request());
        // The one request chain, in order (docs/ARCHITECTURE.md). Plugins come after targeting, where names are
        // resolved (they see clean names and the upstream), and before the gateway's own methods are answered. The
        // access policy decides before the plugins (their request records carry the decision) and refuses after them
        // (auditors record a denied request and its refusal).
        // With neither metrics nor tracing there is no observation link; without tracing, no upstream tracing link.
        List<Link> links = new ArrayList<>();
        if (observability.observesRequests()) {
            links.add(new Observation(events));
        }
        links.addAll(List.of(
                new ClientAdmission(admission),
                requestDeadlines,
                routing.targeting(),
                new PolicyLink(policy, routing.toolHints()),
                this.plugins.link(),
                new PolicyEnforcement(),
                routing.gatewayMethods(),
                routing.heldCalls(),
                new UpstreamAdmission(admission),
                routing.inputBridge(),
                routing.eraTranslation()));
        observability.upstreamTracing().ifPresent(links::add);
        links.add(routing.forwarding());
        requestLogIds.enable(config.logging().format() == LogFormat.JSON);
        this.chain = new RequestChain(links, codec, requestLogIds);
        // Upstream results are passed on to clients untouched, so the upstream side keeps them as raw bytes.
        this.settings = new Upstream.Settings(new JsonRpcCodec(maxMessageBytes, true), maxMessageBytes, config.proxy().timeouts().connection(),
                config.proxy().timeouts().request(), SHUTDOWN_GRACE, clientCapabilities(), clientInfo(version),
                new ProcessBudget(config.proxy().limits().maxUpstreamProcesses()));
        Map<String, Upstream> initial = new LinkedHashMap<>();
        for (UpstreamConfig upstream : config.proxy().enabledUpstreams()) {
            initial.put(upstream.name(), newUpstream(upstream));
        }
        this.upstreams = initial;
        routing.setUpstreams(List.copyOf(initial.values()));
    }

    private Upstream newUpstream(UpstreamConfig upstream) {
        admission.configure(upstream.name(), upstream.limits());
        String name = upstream.name();
        observability.events().queueDepthSource(name, () -> admission.queued(name));
        return new Upstream(upstream, settings, routing.events());
    }

    public GatewayConfig config() {
        return config;
    }

    /** Starts every enabled upstream in the background; clients may connect at once. */
    public void start() {
        upstreams.values().forEach(Upstream::start);
        deadlines = new DeadlineSweeper(() -> upstreams.values(), admission, config.proxy().timeouts().request(),
                config.proxy().timeouts().connection());
    }

    /**
     * Opens a client session for a face: everything the gateway sends this client goes to {@code channel}; the
     * face feeds each decoded message it receives to the returned handler, and calls its {@code onClosed} when
     * the client's input ends. Requests still in flight then get {@code drainGrace} to be answered (a piped
     * stdio client still reads its output) before they are cancelled, upstream too; {@code onClosed} runs last.
     */
    public ClientEndpoint open(String name, ClientChannel channel, Duration drainGrace, Runnable onClosed) {
        String id = name + "-" + clientCounter.incrementAndGet();
        ClientSession session = new ClientSession(id, channel);
        sessions.add(session);
        observability.events().sessionOpened();
        ClientDispatcher dispatcher = new ClientDispatcher(session, chain, routing, drainGrace, () -> {
            sessions.remove(session);
            // A client's own upstream sessions (session_mode per_client) end with it.
            upstreams.values().forEach(upstream -> upstream.release(session));
            observability.events().sessionClosed();
            onClosed.run();
        });
        return new ClientEndpoint(session, dispatcher);
    }

    /** {@link #open(String, ClientChannel, Duration, Runnable)} for a face whose client ends its session explicitly. */
    public ClientEndpoint open(String name, ClientChannel channel, Runnable onClosed) {
        return open(name, channel, Duration.ZERO, onClosed);
    }

    /** A client session and the handler its face feeds decoded messages into. */
    public record ClientEndpoint(ClientSession session, MessageHandler handler) {}

    /** Closes {@code resource} (a face's connection) when the gateway closes, unless {@link #forget} came first. */
    public void closeWithGateway(AutoCloseable resource) {
        closeWithGateway.add(resource);
    }

    public void forget(AutoCloseable resource) {
        closeWithGateway.remove(resource);
    }

    /** The codec every connection of this gateway uses (its size limits come from the config). */
    public JsonRpcCodec codec() {
        return codec;
    }

    /**
     * Applies a new config (hot reload) to everything that can change while the gateway runs: timeouts and limits
     * for the requests read from now on (and the upstream starts from now on), each upstream's in-flight ceiling in
     * place, and the upstream list (see {@link #replaceUpstreams}). The client face, {@code max_message_bytes} and
     * logging belong to the process, not to the gateway: its caller reports and applies them.
     */
    public void reload(GatewayConfig next) {
        synchronized (reloadLock) {
            // First, as it may refuse the new config: the running plugins then stay, and so does everything else.
            plugins.reload(next.plugins());
            policy.replace(next.policy());
            TimeoutsConfig timeouts = next.proxy().timeouts();
            settings = settings.withTimeouts(timeouts.connection(), timeouts.request());
            requestDeadlines.reconfigure(timeouts.request());
            DeadlineSweeper sweeper = deadlines;
            if (sweeper != null) {
                sweeper.reconfigure(timeouts);
            }
            admission.reconfigure(next.proxy().limits());
            settings.processes().reconfigure(next.proxy().limits().maxUpstreamProcesses());
            routing.reconfigure(timeouts, next.proxy().limits());
            replaceUpstreams(next);
            requestLogIds.enable(next.logging().format() == LogFormat.JSON);
            config = next;
            log.info("config reloaded: request_timeout {} ms, connection_timeout {} ms, max_in_flight_per_client {},"
                    + " list_page_size {}", timeouts.request().toMillis(), timeouts.connection().toMillis(),
                    next.proxy().limits().maxInFlightPerClient(),
                    next.proxy().limits().listPageSize());
        }
    }

    /**
     * Applies a new config's upstreams: added ones start, removed ones stop, changed ones restart; the others,
     * and their requests in flight, are untouched (an upstream whose admission limits alone changed keeps running
     * under the new ones, unless it is an HTTP one whose {@code max_in_flight} changed). Clients hear {@code list_changed} as upstreams come and go.
     */
    @GuardedBy("reloadLock")
    private void replaceUpstreams(GatewayConfig next) {
        Map<String, Upstream> current = upstreams;
        Map<String, Upstream> updated = new LinkedHashMap<>();
        List<Upstream> retired = new ArrayList<>();
        List<Upstream> started = new ArrayList<>();
        for (UpstreamConfig wanted : next.proxy().enabledUpstreams()) {
            Upstream existing = current.get(wanted.name());
            if (existing != null && (existing.config().equals(wanted) || existing.adopt(wanted))) {
                existing.reconfigure(settings);
                admission.configure(wanted.name(), wanted.limits());
                updated.put(wanted.name(), existing);
            } else {
                if (existing != null) {
                    retired.add(existing);
                }
                Upstream fresh = newUpstream(wanted);
                updated.put(wanted.name(), fresh);
                started.add(fresh);
            }
        }
        current.forEach((name, upstream) -> {
            if (!updated.containsKey(name)) {
                retired.add(upstream);
            }
        });
        upstreams = updated;
        routing.setUpstreams(List.copyOf(updated.values()));
        started.forEach(Upstream::start);
        retired.forEach(u -> Thread.ofVirtual().start(u::close));
        log.info("upstreams reloaded: {} running; started {}, stopped {}", updated.size(),
                started.stream().map(Upstream::name).toList(), retired.stream().map(Upstream::name).toList());
        routing.allListsChanged();
    }

    public List<Upstream> upstreams() {
        return List.copyOf(upstreams.values());
    }

    public Optional<Upstream> upstream(String name) {
        return Optional.ofNullable(upstreams.get(name));
    }

    /** The gateway's metrics and health, for the endpoints that publish them. */
    public Observability observability() {
        return observability;
    }

    /** Requests waiting for a slot of {@code upstream} (its queue and its tools'). */
    public int queued(String upstream) {
        return admission.queued(upstream);
    }

    public SessionDirectory sessions() {
        return sessions;
    }

    /** The tools listed under an alias rather than {@code upstream__name}, as last listed (ADR 0015). */
    public List<ToolAlias> toolAliases() {
        return routing.toolAliases();
    }

    /** Lists the merged tools now, as a client would see them, within the request timeout. */
    public Routing.ToolListing listTools() {
        return routing.listTools(System.nanoTime() + config.proxy().timeouts().request().toNanos());
    }

    /** Closes clients, then stops every upstream in parallel (stdin EOF, SIGTERM, SIGKILL). */
    @Override
    public void close() {
        for (ClientSession session : sessions.all()) {
            session.close();
        }
        for (AutoCloseable resource : closeWithGateway) {
            try {
                resource.close();
            } catch (Exception e) {
                log.debug("closing {} failed", resource, e);
            }
        }
        try (ExecutorService stopping = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Upstream upstream : upstreams.values()) {
                // execute, not submit: a failing close reaches the uncaught-exception handler instead of a dropped Future.
                stopping.execute(upstream::close);
            }
        }
        DeadlineSweeper sweeper = deadlines;
        if (sweeper != null) {
            sweeper.close();
        }
        plugins.close(); // audit records of the requests answered during shutdown are written and flushed
        rateBuckets.close();
        observability.close(); // last: the spans of those requests are exported
    }

    /**
     * Redis-backed buckets when the HTTP face is scaled out with Redis (one limit for all instances, ADR 0027), else
     * buckets in memory. Throws when that Redis cannot be reached, as the face does.
     */
    private static RateBuckets rateBuckets(GatewayConfig config) {
        return config.proxy().http().flatMap(HttpConfig::scaleOut).flatMap(ScaleOutConfig::redis)
                .<RateBuckets>map(RedisRateBuckets::connect).orElse(RateBuckets.LOCAL);
    }

    /**
     * What the gateway declares to upstreams: it can route sampling and elicitation to the client that caused
     * them, and answer roots itself when no client can. Declaring less would hide tools (server-everything's
     * list depends on it).
     */
    private static ObjectNode clientCapabilities() {
        ObjectNode caps = JsonNodeFactory.instance.objectNode();
        caps.putObject("roots").put("listChanged", true);
        caps.putObject("sampling");
        caps.putObject("elicitation");
        return caps;
    }

    private static ObjectNode clientInfo(String version) {
        ObjectNode info = JsonNodeFactory.instance.objectNode();
        info.put("name", "gatekit");
        info.put("version", version);
        return info;
    }
}
