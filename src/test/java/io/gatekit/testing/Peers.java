package io.gatekit.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The third-party MCP peers the interop tests run against (installed by {@code scripts/install-peers.sh} from
 * the pinned {@code interop/peers/package-lock.json}), and the Node.js that runs them. A missing install is a
 * test failure with instructions, never a silent skip.
 */
public final class Peers {
    public static final String EVERYTHING = "@modelcontextprotocol/server-everything";
    public static final String FILESYSTEM = "@modelcontextprotocol/server-filesystem";
    public static final String TS_SDK = "@modelcontextprotocol/sdk";

    private Peers() {}

    /** interop/peers/node_modules of this checkout. */
    public static Path nodeModules() {
        return Processes.peer("");
    }

    /** Fails (with what to run) unless Node.js and the named npm packages are installed. */
    public static void requireInstalled(String... packages) {
        Path modules = nodeModules();
        String fix = " Run scripts/install-peers.sh (scripts/test runs it before the suite; it needs Node.js and npm).";
        if (!Files.isDirectory(modules)) {
            throw new AssertionError("The interop peers are not installed: " + modules + " does not exist." + fix);
        }
        for (String name : packages) {
            Path dir = modules.resolve(name);
            if (!Files.isRegularFile(dir.resolve("package.json"))) {
                throw new AssertionError("The interop peer " + name + " is not installed (" + dir + " is missing)." + fix);
            }
        }
        node();
    }

    /** The absolute path of {@code node} on PATH (absolute, so any child environment can run it). */
    public static String node() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, "node");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate.toAbsolutePath().toString();
                }
            }
        }
        throw new AssertionError("Node.js ('node') is not on PATH; the interop tests need it to run the peers"
                + " installed by scripts/install-peers.sh.");
    }

    /** server-everything on stdio. */
    public static List<String> everything() {
        return List.of(node(), dist(EVERYTHING).toString(), "stdio");
    }

    /**
     * server-everything serving HTTP on loopback {@code port}: {@code streamableHttp} (legacy Streamable HTTP,
     * sessions) or {@code sse} (the old HTTP+SSE transport). Returns once it listens.
     */
    public static Process startEverythingHttp(int port, String mode) throws java.io.IOException {
        requireInstalled(EVERYTHING);
        List<String> command = new java.util.ArrayList<>(everything());
        command.set(command.size() - 1, mode);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PORT", Integer.toString(port));
        Process process = builder.start();
        Loopback.awaitListening(process, port, java.time.Duration.ofSeconds(20));
        return process;
    }

    /** A gateway config (stdio face) with server-everything as its one upstream, named {@code everything}. */
    public static String everythingGatewayConfig() {
        return """
                proxy:
                  transport: stdio
                  timeouts:
                    request_timeout: 30
                  upstreams:
                    - name: everything
                      command: %s
                """.formatted(Processes.yamlList(everything()));
    }

    /** server-filesystem on stdio, allowed to use {@code dirs}. */
    public static List<String> filesystem(Path... dirs) {
        List<String> command = new ArrayList<>(List.of(node(), dist(FILESYSTEM).toString()));
        for (Path dir : dirs) {
            command.add(dir.toString());
        }
        return command;
    }

    /** The scripted TypeScript SDK client (interop/peers/clients/ts-stdio-client.mjs). */
    public static Path tsStdioClient() {
        return Path.of(System.getProperty("user.dir"), "interop", "peers", "clients", "ts-stdio-client.mjs");
    }

    /** interop/python of this checkout: the Python peers and their venv. */
    public static Path pythonDir() {
        return Path.of(System.getProperty("user.dir"), "interop", "python");
    }

    /**
     * The server written with the official MCP Python SDK (interop/python/era_server.py) on stdio, run by the venv
     * that scripts/install-peers.sh creates. Fails with what to run when the venv is missing.
     */
    public static List<String> pythonEraServer() {
        return pythonPeer("era_server.py");
    }

    /** The server that tries files, the network and memory (interop/python/sandbox_server.py), as above. */
    public static List<String> pythonSandboxServer() {
        return pythonPeer("sandbox_server.py");
    }

    private static List<String> pythonPeer(String script) {
        Path python = pythonDir().resolve(".venv").resolve("bin").resolve("python");
        if (!Files.isExecutable(python)) {
            throw new AssertionError("The Python interop peers are not installed: " + python + " is missing. Run"
                    + " scripts/install-peers.sh (scripts/test runs it before the suite; it needs python3).");
        }
        return List.of(python.toString(), pythonDir().resolve(script).toString());
    }

    private static Path dist(String pkg) {
        return nodeModules().resolve(pkg).resolve("dist").resolve("index.js");
    }
}
