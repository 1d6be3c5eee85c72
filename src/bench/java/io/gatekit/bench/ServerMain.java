package io.gatekit.bench;

import java.io.IOException;

/**
 * A child process of the server benchmark: {@code ServerMain jetty|helidon} serves {@link RpcWork} at
 * {@code http://127.0.0.1:<port>/mcp}, announces the endpoint on stderr ({@code <name>: serving MCP on <url>}, the
 * line {@link HttpTarget} waits for), and lives until its standard input ends, which happens at the latest when
 * the benchmark that started it exits: no server outlives a run.
 */
public final class ServerMain {
    private static final String HOST = "127.0.0.1";
    private static final String PATH = "/mcp";

    private ServerMain() {}

    public static void main(String[] args) throws Exception {
        String name = args.length == 1 ? args[0] : "";
        RpcWork work = new RpcWork();
        try (BenchServer server = switch (name) {
            case "jetty" -> new JettyBenchServer(HOST, PATH, work);
            case "helidon" -> new HelidonBenchServer(HOST, PATH, work);
            default -> throw new IllegalArgumentException("usage: ServerMain jetty|helidon");
        }) {
            System.err.println(name + ": serving MCP on http://" + HOST + ":" + server.port() + PATH);
            System.err.flush();
            awaitEndOfInput();
        }
        System.exit(0); // a server library's leftover non-daemon thread must not keep the process alive
    }

    private static void awaitEndOfInput() {
        try {
            while (System.in.read() >= 0) {
                // nothing is expected on stdin; only its end matters
            }
        } catch (IOException e) {
            // the parent is gone: stop as at end of input
        }
    }
}
