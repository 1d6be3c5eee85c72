package io.gatekit.testing;

import io.gatekit.Gateway;
import io.gatekit.faces.stdio.StdioFace;
import io.gatekit.config.ConfigLoader;
import io.gatekit.config.GatewayConfig;
import io.gatekit.observability.Tracing;
import io.gatekit.plugins.PluginRegistry;
import io.gatekit.session.ClientSession;
import io.gatekit.session.Principal;
import io.gatekit.upstream.Upstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;

/**
 * A gateway running in the test JVM with real upstream processes, and clients attached over real loopback
 * sockets (the same newline framing as stdio). Lets a test connect several clients to one gateway and
 * inspect its internals for leaks.
 */
public final class GatewayFixture implements AutoCloseable {
    public final Gateway gateway;
    private final ServerSocket listener;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<TestClient> clients = new ArrayList<>();

    private GatewayFixture(GatewayConfig config) {
        this(config, PluginRegistry.builtIn());
    }

    private GatewayFixture(GatewayConfig config, PluginRegistry plugins) {
        this(new Gateway(config, "test", plugins));
    }

    private GatewayFixture(Gateway gateway) {
        this.gateway = gateway;
        gateway.start();
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A gateway from YAML; {@code %DEMO%} in the text stands for the demo server command. */
    public static GatewayFixture start(String yaml) {
        return new GatewayFixture(config(yaml));
    }

    /** A gateway from YAML whose {@code ${VAR}}s come from {@code environment} (not the test JVM's own). */
    public static GatewayFixture start(String yaml, Map<String, String> environment) {
        return new GatewayFixture(ConfigLoader.parse(yaml.replace("%DEMO%", Processes.demoServerYaml()), "test.yaml",
                Path.of("."), environment));
    }

    /** A gateway from YAML ({@code %DEMO%} as in {@link #start}) whose tracing is {@code tracing}. */
    public static GatewayFixture traced(String yaml, Tracing tracing) {
        return new GatewayFixture(new Gateway(config(yaml), "test", PluginRegistry.builtIn(), Optional.of(tracing)));
    }

    /** The config a fixture runs on (for a hot reload, say); {@code %DEMO%} as in {@link #start}. */
    public static GatewayConfig config(String yaml) {
        String text = yaml.replace("%DEMO%", Processes.demoServerYaml());
        return ConfigLoader.parse(text, "test.yaml", Path.of("."), Map.copyOf(System.getenv()));
    }

    /**
     * A gateway from YAML whose plugins come from {@code plugins} (test plugins, or the built-ins); entries are
     * checked at load as the CLI checks them.
     */
    public static GatewayFixture start(String yaml, PluginRegistry plugins) {
        String text = yaml.replace("%DEMO%", Processes.demoServerYaml());
        return new GatewayFixture(ConfigLoader.parse(text, "test.yaml", Path.of("."), Map.copyOf(System.getenv()), plugins),
                plugins);
    }

    /** The config a YAML text makes, its plugin entries checked by {@code plugins} ({@code %DEMO%} as in start). */
    public static GatewayConfig config(String yaml, PluginRegistry plugins) {
        return ConfigLoader.parse(yaml.replace("%DEMO%", Processes.demoServerYaml()), "test.yaml", Path.of("."),
                Map.copyOf(System.getenv()), plugins);
    }

    /** The standard set-up: one demo upstream named {@code demo}, with extra YAML under {@code proxy:}. */
    public static GatewayFixture demo(String proxyExtras, String upstreamExtras) {
        return start("""
                proxy:
                  transport: stdio
                %s
                  upstreams:
                    - name: demo
                      command: %%DEMO%%
                %s
                """.formatted(indent(proxyExtras, 2), indent(upstreamExtras, 6)));
    }

    private static String indent(String text, int spaces) {
        if (text == null || text.isBlank()) {
            return "";
        }
        return text.stripIndent().lines().map(l -> " ".repeat(spaces) + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    /** Connects a new client over a loopback socket. */
    public TestClient connect() {
        return connect(null);
    }

    /** Connects a new client over a loopback socket, authenticated as {@code principal} (anonymous when null). */
    public TestClient connect(@Nullable Principal principal) {
        try {
            Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            Socket server = listener.accept();
            sockets.add(client);
            sockets.add(server);
            ClientSession session = StdioFace.connect(gateway, "socket", server.getInputStream(), server.getOutputStream(), () -> {});
            if (principal != null) {
                session.authenticated(principal); // before the client can send: its first request sees it
            }
            TestClient testClient = new TestClient(client.getInputStream(), client.getOutputStream());
            clients.add(testClient);
            return testClient;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Upstream upstream(String name) {
        return gateway.upstream(name).orElseThrow();
    }

    /** Waits until the named upstream is READY. */
    public void awaitReady(String name) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> upstream(name).state() == Upstream.State.READY);
    }

    @Override
    public void close() {
        clients.forEach(TestClient::close);
        gateway.close();
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        try {
            listener.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
