package io.gatekit.bench;

import io.gatekit.config.HttpConfig;
import io.gatekit.faces.http.HttpFace;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * Jetty set-ups the server benchmark can measure in place of the HTTP face's own (ADR 0005), chosen with the
 * system property {@value #PROPERTY} (e.g. {@code BENCH_JVM_OPTS=-Dgatekit.bench.jetty=pool=vt,selectors=2}).
 * Empty or absent: exactly {@link HttpFace#jettyServer}. Otherwise a plain-HTTP server like it (its backlog, idle
 * timeout and stop timeout, no version headers) with these comma-separated knobs changed:
 * <ul>
 *   <li>{@code pool=vt} (a {@code VirtualThreadPool}: every task, selector and acceptor included, on a virtual
 *       thread; tried and not kept, ADR 0005) or {@code pool=qtp-vt} (the face's: a {@code QueuedThreadPool}
 *       of platform threads for the selector and acceptor, handing blocking tasks to a virtual-thread executor);</li>
 *   <li>{@code selectors=N}, {@code acceptors=N} (-1: Jetty's default);</li>
 *   <li>{@code buffers=heap} (heap instead of direct input and output buffers), {@code bufferpool=none} (no
 *       pooling) or {@code bufferpool=small} (an {@code ArrayByteBufferPool} capped at 64 KiB buffers);</li>
 *   <li>{@code output=N}: the response output buffer size in bytes; {@code delay=true|false}: dispatch a request
 *       only once its content has arrived.</li>
 * </ul>
 * Only for measuring: the handler and its invocation type are the caller's, unchanged.
 */
final class JettySetup {
    static final String PROPERTY = "gatekit.bench.jetty";

    private JettySetup() {}

    /** The set-up the property names, for {@code handler} on {@code http}'s host and port. */
    static Server build(HttpConfig http, Handler handler) {
        String spec = System.getProperty(PROPERTY, "").strip();
        if (spec.isEmpty()) {
            return HttpFace.jettyServer(http, handler);
        }
        Map<String, String> knobs = parse(spec);
        ThreadPool pool = switch (knobs.getOrDefault("pool", "qtp-vt")) {
            case "qtp-vt" -> {
                QueuedThreadPool qtp = new QueuedThreadPool();
                qtp.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory()));
                yield qtp;
            }
            case "vt" -> {
                VirtualThreadPool vtp = new VirtualThreadPool();
                // Its default caps concurrent tasks at 200 (a semaphore): 10,000 sleeping handlers would queue.
                vtp.setMaxConcurrentTasks(0);
                yield vtp;
            }
            default -> throw new IllegalArgumentException("pool=qtp-vt|vt: " + spec);
        };
        ByteBufferPool buffers = switch (knobs.getOrDefault("bufferpool", "default")) {
            case "default" -> null; // Jetty's own ArrayByteBufferPool
            case "none" -> new ByteBufferPool.NonPooling();
            case "small" -> new ArrayByteBufferPool(0, 4096, 65536, -1);
            default -> throw new IllegalArgumentException("bufferpool=default|none|small: " + spec);
        };
        Server server = new Server(pool, null, buffers);
        HttpConfiguration settings = new HttpConfiguration();
        settings.setSendServerVersion(false);
        settings.setSendXPoweredBy(false);
        if ("heap".equals(knobs.get("buffers"))) {
            settings.setUseInputDirectByteBuffers(false);
            settings.setUseOutputDirectByteBuffers(false);
        }
        if (knobs.containsKey("output")) {
            settings.setOutputBufferSize(Integer.parseInt(knobs.get("output")));
        }
        if (knobs.containsKey("delay")) {
            delayDispatch(settings, Boolean.parseBoolean(knobs.get("delay")));
        }
        ServerConnector connector = new ServerConnector(server, Integer.parseInt(knobs.getOrDefault("acceptors", "-1")),
                Integer.parseInt(knobs.getOrDefault("selectors", "-1")), new HttpConnectionFactory(settings));
        // The rest as the face has it, read from its (never started) server so that the two cannot drift apart.
        Server face = HttpFace.jettyServer(http, handler);
        ServerConnector faceConnector = (ServerConnector) face.getConnectors()[0];
        connector.setHost(faceConnector.getHost());
        connector.setPort(faceConnector.getPort());
        connector.setAcceptQueueSize(faceConnector.getAcceptQueueSize());
        connector.setIdleTimeout(faceConnector.getIdleTimeout());
        server.addConnector(connector);
        server.setHandler(handler);
        server.setStopTimeout(face.getStopTimeout());
        System.err.println("jetty: set-up " + knobs);
        return server;
    }

    private static Map<String, String> parse(String spec) {
        Map<String, String> knobs = new HashMap<>();
        for (String knob : spec.split(",")) {
            int eq = knob.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("knob=value expected: " + knob);
            }
            knobs.put(knob.substring(0, eq).strip(), knob.substring(eq + 1).strip());
        }
        return knobs;
    }

    /**
     * Jetty 12.1 deprecates this setting for removal; the benchmark keeps it as a knob to measure while Jetty still
     * has it, and the warning is silenced here only, so any other deprecated call still fails the build.
     */
    @SuppressWarnings("removal")
    private static void delayDispatch(HttpConfiguration settings, boolean delay) {
        settings.setDelayDispatchUntilContent(delay);
    }
}
