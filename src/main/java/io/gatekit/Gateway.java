package io.gatekit;

import io.gatekit.config.GatewayConfig;
import io.gatekit.config.UpstreamConfig;
import io.gatekit.control.AdmissionController;
import io.gatekit.control.DeadlineSweeper;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.routing.ClientDispatcher;
import io.gatekit.routing.Router;
import io.gatekit.routing.UpstreamEvents;
import io.gatekit.session.ClientChannel;
import io.gatekit.session.ClientSession;
import io.gatekit.session.SessionDirectory;
import io.gatekit.transport.MessageConnection;
import io.gatekit.upstream.Upstream;
import java.io.InputStream;
import java.io.OutputStream;
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
 * One running gateway: its upstreams, its clients, and the router between them, wired from an immutable
 * config. Any number of clients may be connected at once (the stdio face connects one); each is a
 * {@link ClientSession} read by its own thread. {@link #reload} swaps the upstream set in place.
 *
 * <p>Concurrency: {@link #reload} holds {@code reloadLock}, so reloads are serialised. The upstream map is
 * immutable and replaced whole through a volatile field, so client threads, the sweeper and the status file read
 * one consistent set without a lock. Connections are a copy-on-write list (added per client, walked at close);
 * {@code deadlines} is volatile, set at start and read at close.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

    private volatile GatewayConfig config;
    private final JsonRpcCodec codec;
    private final SessionDirectory sessions = new SessionDirectory();
    private final AdmissionController admission;
    private final Router router;
    private final UpstreamEvents events;
    private final Upstream.Settings settings;
    private final Object reloadLock = new Object();
    private volatile Map<String, Upstream> upstreams = Map.of();
    private final AtomicLong clientCounter = new AtomicLong();
    private final List<MessageConnection> connections = new CopyOnWriteArrayList<>();
    private volatile @Nullable DeadlineSweeper deadlines;

    public Gateway(GatewayConfig config, String version) {
        this.config = config;
        int maxMessageBytes = config.proxy().limits().maxMessageBytes();
        this.codec = JsonRpcCodec.forClients(maxMessageBytes);
        this.admission = new AdmissionController(config.proxy().limits().maxInFlightPerClient());
        this.router = new Router(admission, config.proxy().timeouts().request(), config.proxy().limits().listPageSize(),
                sessions, config.proxy().timeouts().connection(), version, codec);
        this.events = new UpstreamEvents(sessions, router);
        // Upstream results are passed on to clients untouched, so the upstream side keeps them as raw bytes.
        this.settings = new Upstream.Settings(new JsonRpcCodec(maxMessageBytes, true), maxMessageBytes, config.proxy().timeouts().connection(),
                config.proxy().timeouts().request(), SHUTDOWN_GRACE, clientCapabilities(), clientInfo(version));
        Map<String, Upstream> initial = new LinkedHashMap<>();
        for (UpstreamConfig upstream : config.proxy().enabledUpstreams()) {
            initial.put(upstream.name(), newUpstream(upstream));
        }
        this.upstreams = initial;
        router.setUpstreams(List.copyOf(initial.values()));
    }

    private Upstream newUpstream(UpstreamConfig upstream) {
        admission.configure(upstream.name(), upstream.maxInFlight());
        return new Upstream(upstream, settings, events);
    }

    public GatewayConfig config() {
        return config;
    }

    /** Starts every enabled upstream in the background; clients may connect at once. */
    public void start() {
        upstreams.values().forEach(Upstream::start);
        deadlines = new DeadlineSweeper(() -> upstreams.values(), config.proxy().timeouts().request(),
                config.proxy().timeouts().connection());
    }

    /**
     * Connects a client speaking newline-delimited JSON-RPC on a pair of streams. {@code onDisconnect} runs
     * when its input ends.
     */
    public ClientSession connect(String name, InputStream in, OutputStream out, Runnable onDisconnect) {
        String id = name + "-" + clientCounter.incrementAndGet();
        MessageConnection connection = new MessageConnection("client-" + id, in, out, codec,
                config.proxy().limits().maxMessageBytes());
        ClientSession session = new ClientSession(id, connection::send);
        sessions.add(session);
        connections.add(connection);
        connection.start(new ClientDispatcher(session, router, admission, ClientDispatcher.STREAM_DRAIN_GRACE, () -> {
            sessions.remove(session);
            connections.remove(connection);
            connection.close();
            onDisconnect.run();
        }));
        return session;
    }

    /**
     * Opens a client session for a transport that frames messages itself (Streamable HTTP): everything the
     * gateway sends this client goes to {@code channel}; the transport feeds each decoded message it receives
     * to the returned handler, and calls its {@code onClosed} when the session ends (then requests still in
     * flight are cancelled, upstream too).
     */
    public ClientEndpoint open(String name, ClientChannel channel, Runnable onClosed) {
        String id = name + "-" + clientCounter.incrementAndGet();
        ClientSession session = new ClientSession(id, channel);
        sessions.add(session);
        ClientDispatcher dispatcher = new ClientDispatcher(session, router, admission, java.time.Duration.ZERO, () -> {
            sessions.remove(session);
            onClosed.run();
        });
        return new ClientEndpoint(session, dispatcher);
    }

    /** A client session and the handler its transport feeds decoded messages into. */
    public record ClientEndpoint(ClientSession session, io.gatekit.transport.MessageHandler handler) {}

    /** The codec every connection of this gateway uses (its size limits come from the config). */
    public JsonRpcCodec codec() {
        return codec;
    }

    /**
     * Applies a new config's upstreams: added ones start, removed ones stop, changed ones restart; the others,
     * and their requests in flight, are untouched. Clients hear {@code list_changed} as upstreams come and go.
     * Other sections (timeouts, limits, logging) apply at the next start.
     */
    public void reload(GatewayConfig next) {
        synchronized (reloadLock) {
            Map<String, Upstream> current = upstreams;
            Map<String, Upstream> updated = new LinkedHashMap<>();
            List<Upstream> retired = new ArrayList<>();
            List<Upstream> started = new ArrayList<>();
            for (UpstreamConfig wanted : next.proxy().enabledUpstreams()) {
                Upstream existing = current.get(wanted.name());
                if (existing != null && existing.config().equals(wanted)) {
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
            config = next;
            router.setUpstreams(List.copyOf(updated.values()));
            started.forEach(Upstream::start);
            retired.forEach(u -> Thread.ofVirtual().start(u::close));
            log.info("config reloaded: {} upstream(s); started {}, stopped {}", updated.size(),
                    started.stream().map(Upstream::name).toList(), retired.stream().map(Upstream::name).toList());
            router.allListsChanged();
        }
    }

    public List<Upstream> upstreams() {
        return List.copyOf(upstreams.values());
    }

    public Optional<Upstream> upstream(String name) {
        return Optional.ofNullable(upstreams.get(name));
    }

    public SessionDirectory sessions() {
        return sessions;
    }

    /** Closes clients, then stops every upstream in parallel (stdin EOF, SIGTERM, SIGKILL). */
    @Override
    public void close() {
        for (ClientSession session : sessions.all()) {
            session.close();
        }
        for (MessageConnection connection : connections) {
            connection.close();
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
