package io.gatekit;

import io.gatekit.config.GatewayConfig;
import io.gatekit.config.UpstreamConfig;
import io.gatekit.control.AdmissionController;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.routing.ClientDispatcher;
import io.gatekit.routing.Lifecycle;
import io.gatekit.routing.Router;
import io.gatekit.routing.ServerRequestRouter;
import io.gatekit.session.ClientSession;
import io.gatekit.session.SessionDirectory;
import io.gatekit.transport.MessageConnection;
import io.gatekit.upstream.Upstream;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One running gateway: its upstreams, its clients, and the router between them, wired from an immutable
 * config. Any number of clients may be connected at once (the stdio face connects one); each is a
 * {@link ClientSession} reading on its own virtual thread.
 */
public final class Gateway implements AutoCloseable {
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

    private final GatewayConfig config;
    private final JsonRpcCodec codec;
    private final SessionDirectory sessions = new SessionDirectory();
    private final List<Upstream> upstreams = new ArrayList<>();
    private final Router router;
    private final Lifecycle lifecycle;
    private final AdmissionController admission;
    private final AtomicLong clientCounter = new AtomicLong();
    private final List<MessageConnection> connections = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Gateway(GatewayConfig config, String version) {
        this.config = config;
        int maxMessageBytes = config.proxy().limits().maxMessageBytes();
        this.codec = new JsonRpcCodec(maxMessageBytes);
        this.admission = new AdmissionController(config.proxy().limits().maxInFlightPerClient());
        ServerRequestRouter serverRequests = new ServerRequestRouter(sessions);
        Upstream.Settings settings = new Upstream.Settings(codec, maxMessageBytes,
                config.proxy().timeouts().connection(), SHUTDOWN_GRACE, clientCapabilities(), clientInfo(version));
        for (UpstreamConfig upstream : config.proxy().enabledUpstreams()) {
            upstreams.add(new Upstream(upstream, settings, serverRequests));
            admission.configure(upstream.name(), upstream.maxInFlight());
        }
        this.lifecycle = new Lifecycle(upstreams, config.proxy().timeouts().connection(), version);
        this.router = new Router(upstreams, admission, config.proxy().timeouts().request(), lifecycle);
    }

    public GatewayConfig config() {
        return config;
    }

    /** Starts every enabled upstream in the background; clients may connect at once. */
    public void start() {
        upstreams.forEach(Upstream::start);
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
        connection.start(new ClientDispatcher(session, router, lifecycle, admission, () -> {
            sessions.remove(session);
            connections.remove(connection);
            connection.close();
            onDisconnect.run();
        }));
        return session;
    }

    public List<Upstream> upstreams() {
        return List.copyOf(upstreams);
    }

    public Optional<Upstream> upstream(String name) {
        return upstreams.stream().filter(u -> u.name().equals(name)).findFirst();
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
            for (Upstream upstream : upstreams) {
                stopping.submit(upstream::close);
            }
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
