package io.gatekit.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * mcp-proxy 6.7.19 (npm, third-party): a dual-era HTTP server (2026-07-28 and the legacy revisions on one
 * {@code /mcp}) in front of a stdio server it spawns. Bound to loopback; closing it ends its child too.
 */
public final class McpProxyPeer implements AutoCloseable {
    private static final String PACKAGE = "mcp-proxy";
    private final Process process;
    private final int port;

    private McpProxyPeer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * mcp-proxy on a free loopback port, running {@code server} as its stdio child. A port found free can be
     * taken by another process before mcp-proxy binds it (it then exits): up to three ports are tried.
     */
    public static McpProxyPeer start(List<String> server) throws IOException {
        Peers.requireInstalled(PACKAGE);
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(server);
            } catch (AssertionError e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static McpProxyPeer startOnce(List<String> server) throws IOException {
        int port = Loopback.freePort();
        List<String> command = new ArrayList<>(List.of(Peers.node(),
                Processes.peer(PACKAGE).resolve("dist/bin/mcp-proxy.mjs").toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--"));
        command.addAll(server);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Loopback.awaitListening(process, port, Duration.ofSeconds(30));
        return new McpProxyPeer(process, port);
    }

    /** The MCP endpoint. */
    public String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
