package io.gatekit.bench;

import io.gatekit.bench.HttpConn.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An MCP Streamable HTTP server as a real process on loopback: one in front of the demo server, or a bare one of the
 * server benchmark:
 * <ul>
 *   <li>{@code gatekit}: {@code gatekit gateway --config X} with {@code proxy.transport: http} on port 0 (the
 *       endpoint is read from its {@code gatekit: serving MCP on <url>} line), ceilings raised.</li>
 *   <li>{@code mcp-proxy}: the npm mcp-proxy ({@code node mcp-proxy.mjs --host 127.0.0.1 --port P -- <demo>}),
 *       serving /mcp; started with {@code --expose-gc} and a preload that runs {@code gc()} on SIGUSR2, so the
 *       idle-memory figure can force a collection in both.</li>
 *   <li>{@code jetty}, {@code helidon}: {@link ServerMain}, the same endpoint on one HTTP server or the other,
 *       no demo server behind it.</li>
 * </ul>
 * Every JVM is launched with the same java binary and flags; gatekit and mcp-proxy front the same demo server build.
 */
final class HttpTarget implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile(": serving MCP on (\\S+)");

    enum Kind {
        GATEKIT("gatekit", "demo__echo", "demo__sleep", true),
        /** The same gateway from another build ({@code --classpath-b}): an A/B of two builds in one run. */
        GATEKIT_B("gatekit-b", "demo__echo", "demo__sleep", true),
        MCP_PROXY("mcp-proxy", "echo", "sleep", false),
        /** supergateway 4 (node), stdio to Streamable HTTP, stateful: it starts one demo server per session. */
        SUPERGATEWAY("supergateway", "echo", "sleep", false),
        JETTY("jetty", "echo", "sleep", true),
        HELIDON("helidon", "echo", "sleep", true);

        final String label;
        final String echoTool;
        final String sleepTool;
        final boolean java; // a JVM, which jcmd can ask for a GC and its heap

        Kind(String label, String echoTool, String sleepTool, boolean java) {
            this.label = label;
            this.echoTool = echoTool;
            this.sleepTool = sleepTool;
            this.java = java;
        }
    }

    final Kind kind;
    final Process process;
    final Endpoint endpoint;
    final Path stderr;
    private ProcessHandle demo;

    private HttpTarget(Kind kind, Process process, Endpoint endpoint, Path stderr) {
        this.kind = kind;
        this.process = process;
        this.endpoint = endpoint;
        this.stderr = stderr;
    }

    /** The gateway's pid, or node's: the process whose CPU and memory are the front's. */
    ProcessHandle front() {
        return process.toHandle();
    }

    ProcessHandle demo() {
        return demo;
    }

    static HttpTarget startGatekit(Target.Launch launch, Path workDir, int maxInFlight) {
        return startGatekit(launch, workDir, gatekitConfig(launch, maxInFlight));
    }

    /** The gateway on {@code yaml} (an HTTP face on a free loopback port at /mcp, fronting the demo server). */
    static HttpTarget startGatekit(Target.Launch launch, Path workDir, String yaml) {
        return startGatekit(Kind.GATEKIT, launch, workDir, yaml);
    }

    /** {@code kind} (gatekit, or gatekit-b: {@code launch} then runs the other build) on {@code yaml}. */
    static HttpTarget startGatekit(Kind kind, Target.Launch launch, Path workDir, String yaml) {
        try {
            Files.createDirectories(workDir);
            Path config = workDir.resolve(kind.label + "-http-bench.yaml");
            Files.writeString(config, yaml);
            Path stderr = workDir.resolve(kind.label + "-http-stderr.log");
            Process process = new ProcessBuilder(launch.command("io.gatekit.cli.Main", "gateway", "--config", config.toString()))
                    .redirectError(stderr.toFile())
                    .redirectOutput(workDir.resolve(kind.label + "-http-stdout.log").toFile())
                    .start();
            HttpTarget target = awaitEndpoint(kind, process, stderr);
            target.findDemo();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link ServerMain} for {@code kind} (jetty or helidon) on a free loopback port; its stdin stays open. */
    static HttpTarget startServer(Kind kind, Target.Launch launch, Path workDir) {
        try {
            Files.createDirectories(workDir);
            Path stderr = workDir.resolve(kind.label + "-server-stderr.log");
            Process process = new ProcessBuilder(launch.command(ServerMain.class.getName(), kind.label))
                    .redirectError(stderr.toFile())
                    .redirectOutput(workDir.resolve(kind.label + "-server-stdout.log").toFile())
                    .start();
            return awaitEndpoint(kind, process, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (bounded) for the process's {@code <name>: serving MCP on <url>} line on stderr. */
    private static HttpTarget awaitEndpoint(Kind kind, Process process, Path stderr) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = SERVING.matcher(Files.readString(stderr));
            if (m.find()) {
                URI uri = URI.create(m.group(1));
                return new HttpTarget(kind, process, new Endpoint(uri.getHost(), uri.getPort(), uri.getPath()), stderr);
            }
            if (!process.isAlive()) {
                break;
            }
            HttpLoad.sleepMillis(25);
        }
        process.destroyForcibly();
        throw new IllegalStateException(kind.label + " (http) did not print its endpoint; stderr:\n" + Files.readString(stderr));
    }

    /** mcp-proxy on a free loopback port, ready once an initialize succeeds. */
    static HttpTarget startMcpProxy(Target.Launch launch, Path workDir, String node, Path script) {
        return startNode(Kind.MCP_PROXY, workDir, node, port -> {
            List<String> arguments = new ArrayList<>(List.of(script.toString(), "--host", "127.0.0.1", "--port",
                    Integer.toString(port), "--"));
            arguments.addAll(launch.demoServer());
            return arguments;
        });
    }

    /**
     * supergateway on a free loopback port, stdio to Streamable HTTP in its stateful mode (the one that keeps
     * sessions), ready once an initialize succeeds. Its {@code --stdio} takes one shell command line.
     */
    static HttpTarget startSupergateway(Target.Launch launch, Path workDir, String node, Path script) {
        String demo = launch.demoServer().stream().map(HttpTarget::shellQuoted).collect(java.util.stream.Collectors.joining(" "));
        return startNode(Kind.SUPERGATEWAY, workDir, node, port -> List.of(script.toString(), "--stdio", demo,
                "--outputTransport", "streamableHttp", "--stateful", "--port", Integer.toString(port), "--logLevel", "none"));
    }

    private static String shellQuoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** A node front ({@code arguments} given its port) on a free loopback port, ready once an initialize succeeds. */
    private static HttpTarget startNode(Kind kind, Path workDir, String node,
            java.util.function.IntFunction<List<String>> arguments) {
        try {
            Files.createDirectories(workDir);
            Path preload = workDir.resolve("gc-on-sigusr2.cjs");
            Files.writeString(preload, "process.on('SIGUSR2', () => { if (global.gc) { global.gc(); } });\n");
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            List<String> command = new ArrayList<>(List.of(node, "--expose-gc", "--require", preload.toString()));
            command.addAll(arguments.apply(port));
            Path stderr = workDir.resolve(kind.label + "-stderr.log");
            Process process = new ProcessBuilder(command)
                    .redirectError(stderr.toFile())
                    .redirectOutput(workDir.resolve(kind.label + "-stdout.log").toFile())
                    .start();
            HttpTarget target = new HttpTarget(kind, process, new Endpoint("127.0.0.1", port, "/mcp"), stderr);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            IOException last = null;
            while (System.nanoTime() < deadline && process.isAlive()) {
                try (HttpConn conn = new HttpConn(target.endpoint, 5_000)) {
                    HttpLoad.openSession(conn, target.endpoint);
                    target.findDemo();
                    return target;
                } catch (IOException e) {
                    last = e;
                    HttpLoad.sleepMillis(100);
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException(kind.label + " did not come up (" + last + "); stderr:\n" + Files.readString(stderr));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String gatekitConfig(Target.Launch launch, int maxInFlight) {
        String command = Target.yamlList(launch.demoServer());
        return """
                proxy:
                  transport: http
                  http:
                    host: 127.0.0.1
                    port: 0
                    path: /mcp
                    max_sessions: %d
                    session_idle_timeout: 3600
                  upstreams:
                    - name: demo
                      command: %s
                      max_in_flight: %d
                  limits:
                    max_in_flight_per_client: %d
                  timeouts:
                    request_timeout: 120
                    connection_timeout: 60
                logging:
                  level: WARN
                  handlers: ["stderr"]
                """.formatted(maxInFlight, command, maxInFlight, maxInFlight);
    }

    private void findDemo() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (demo == null && System.nanoTime() < deadline) {
            demo = process.toHandle().descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                    .findFirst().orElse(null);
            if (demo == null) {
                HttpLoad.sleepMillis(50);
            }
        }
    }

    /** VmRSS of the front process in bytes, from /proc; -1 when unknown. */
    long rssBytes() {
        return Target.rssBytes(process.pid());
    }

    /** Asks the front process for a full collection: jcmd GC.run for a JVM, SIGUSR2 (gc()) for node. */
    void forceGc() {
        if (kind.java) {
            StdioBench.jcmd(process.pid(), List.of("GC.run"));
        } else {
            try {
                Process kill = new ProcessBuilder("kill", "-USR2", Long.toString(process.pid())).start();
                kill.waitFor(10, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Java heap in use (bytes) per jcmd GC.heap_info, for a JVM; -1 for node or when unknown. */
    long heapUsedBytes() {
        if (!kind.java) {
            return -1;
        }
        // One line per generation (Serial: DefNew and Tenured) or for the whole heap (G1), summed; not Metaspace's.
        Matcher m = Pattern.compile("(?m)^\\s*(?:garbage-first heap|DefNew|Tenured|PSYoungGen|ParOldGen)\\b.*?used (\\d+)K")
                .matcher(jcmdOutput("GC.heap_info"));
        long usedKb = -1;
        while (m.find()) {
            usedKb = Math.max(usedKb, 0) + Long.parseLong(m.group(1));
        }
        return usedKb < 0 ? -1 : usedKb * 1024;
    }

    /** jcmd's output for the (Java) front process, or "" when it cannot be run. */
    String jcmdOutput(String... command) {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid())));
        argv.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            return output;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    String stderrTail() {
        return Target.tail(stderr);
    }

    /** SIGTERM, a bounded wait, then SIGKILL for whatever of this process tree is left. */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        for (ProcessHandle child : all) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }
}
