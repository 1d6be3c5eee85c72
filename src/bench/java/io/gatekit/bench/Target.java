package io.gatekit.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One way of reaching the demo server over stdio, as real child processes with a {@link LoadClient} on the
 * first one's stdin/stdout:
 * <ul>
 *   <li>{@code direct}: the demo server itself.</li>
 *   <li>{@code relay}: {@link ByteRelay} in front of the demo server (the cost of one extra process hop).</li>
 *   <li>{@code gateway}: {@code gatekit gateway --config X} fronting the demo server as upstream {@code demo}.</li>
 * </ul>
 * Every JVM is started with the same java binary, flags and classpath.
 */
final class Target implements AutoCloseable {

    enum Kind {
        DIRECT("direct", "echo", "sleep"),
        RELAY("relay", "echo", "sleep"),
        GATEWAY("gateway", "demo__echo", "demo__sleep"),
        /** A second gateway build (its own classpath, --classpath-b) in front of the same demo server build. */
        GATEWAY_B("gateway-b", "demo__echo", "demo__sleep"),
        /** The gateway with the plugins the Python Gatekit's guided setup writes: audit_jsonl and call_trace. */
        GATEWAY_GUIDED("guided", "demo__echo", "demo__sleep"),
        /** The gateway with the PII filter redacting every message. */
        GATEWAY_PII("pii", "demo__echo", "demo__sleep"),
        /** The gateway with request metrics off (observability.metrics.enabled: false): no observation link at all. */
        GATEWAY_NO_METRICS("no-metrics", "demo__echo", "demo__sleep");

        final String label;
        final String echoTool;
        final String sleepTool;

        Kind(String label, String echoTool, String sleepTool) {
            this.label = label;
            this.echoTool = echoTool;
            this.sleepTool = sleepTool;
        }

        static Kind parse(String text) {
            for (Kind kind : values()) {
                if (kind.label.equalsIgnoreCase(text.strip())) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown variant '" + text + "' (direct, relay, gateway, gateway-b, guided, pii, no-metrics)");
        }
    }

    /**
     * How to start a JVM: the same binary, flags and classpath for every process ({@code classpathB}, when set, is
     * used only by the gateway-b process).
     */
    record Launch(String java, List<String> jvmOptions, String classpath, String classpathB) {
        List<String> command(String mainClass, String... args) {
            List<String> command = new ArrayList<>();
            command.add(java);
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(classpath);
            command.add(mainClass);
            command.addAll(List.of(args));
            return command;
        }

        List<String> demoServer() {
            return command("io.gatekit.cli.Main", "demo-server");
        }

        Launch forGatewayB() {
            if (classpathB == null || classpathB.isBlank()) {
                throw new IllegalArgumentException("variant gateway-b needs --classpath-b");
            }
            return new Launch(java, jvmOptions, classpathB, null);
        }
    }

    final Kind kind;
    final Process process;
    final LoadClient client;
    final Path stderr;
    private ProcessHandle front; // the relay or gateway process; null for direct
    private ProcessHandle demo; // the demo server process

    private Target(Kind kind, Process process, Path stderr) {
        this.kind = kind;
        this.process = process;
        this.stderr = stderr;
        this.client = new LoadClient(kind.label, process.getInputStream(), process.getOutputStream());
    }

    /** Starts the processes, performs the MCP handshake, and finds the demo server's pid. */
    static Target start(Kind kind, Launch launch, Path workDir, int maxInFlight) {
        try {
            Files.createDirectories(workDir);
            List<String> command = switch (kind) {
                case DIRECT -> launch.demoServer();
                case RELAY -> {
                    List<String> relay = new ArrayList<>(launch.command(ByteRelay.class.getName()));
                    relay.addAll(launch.demoServer());
                    yield relay;
                }
                case GATEWAY, GATEWAY_B, GATEWAY_GUIDED, GATEWAY_PII, GATEWAY_NO_METRICS -> {
                    Path config = workDir.resolve(kind.label + "-bench.yaml");
                    Files.writeString(config, gatewayConfig(launch, maxInFlight) + plugins(kind) + observability(kind));
                    Launch gateway = kind == Kind.GATEWAY_B ? launch.forGatewayB() : launch;
                    yield gateway.command("io.gatekit.cli.Main", "gateway", "--config", config.toString());
                }
            };
            Path stderr = workDir.resolve(kind.label + "-stderr.log");
            Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            Target target = new Target(kind, process, stderr);
            try {
                target.client.handshake(Duration.ofSeconds(60).toNanos());
                target.findProcesses();
            } catch (RuntimeException e) {
                target.close();
                throw new IllegalStateException(kind.label + " failed to start: " + e.getMessage() + "\n--- stderr tail:\n"
                        + target.stderrTail(), e);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A command as a YAML flow list, each word quoted (the bench runs without the test helpers' classes). */
    static String yamlList(List<String> words) {
        StringBuilder yaml = new StringBuilder("[");
        for (String word : words) {
            yaml.append(yaml.length() > 1 ? ", " : "").append('"')
                    .append(word.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return yaml.append(']').toString();
    }

    /**
     * A gateway config with the demo server as the only upstream, its ceilings raised so that neither the
     * 128-in-flight loop nor the 10,000-call burst is refused, and logging kept to warnings.
     */
    static String gatewayConfig(Launch launch, int maxInFlight) {
        String command = yamlList(launch.demoServer());
        return """
                proxy:
                  transport: stdio
                  upstreams:
                    - name: demo
                      command: %s
                      max_in_flight: %d
                  limits:
                    max_in_flight_per_client: %d
                  timeouts:
                    request_timeout: 60
                    connection_timeout: 60
                logging:
                  level: WARN
                  handlers: ["stderr"]
                """.formatted(command, maxInFlight, maxInFlight);
    }

    /** The {@code plugins:} section of a variant's config (relative files land next to the config, in the work dir). */
    static String plugins(Kind kind) {
        return switch (kind) {
            case GATEWAY_GUIDED -> """
                    plugins:
                      auditing:
                        _global:
                          - handler: audit_jsonl
                            config: {enabled: true, output_file: logs/gatekit_audit.jsonl}
                      middleware:
                        _global:
                          - handler: call_trace
                            config: {enabled: true}
                    """;
            case GATEWAY_PII -> """
                    plugins:
                      security:
                        _global:
                          - handler: basic_pii_filter
                            config: {enabled: true, action: redact}
                    """;
            default -> "";
        };
    }

    /** The {@code observability:} section of a variant's config. */
    static String observability(Kind kind) {
        return kind == Kind.GATEWAY_NO_METRICS ? """
                observability:
                  metrics: {enabled: false}
                """ : "";
    }

    private void findProcesses() {
        ProcessHandle self = process.toHandle();
        if (kind == Kind.DIRECT) {
            demo = self;
            return;
        }
        front = self;
        // The demo server is the (only) java descendant; under the gateway it runs via setsid, which execs.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (demo == null && System.nanoTime() < deadline) {
            demo = self.descendants().filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                    .findFirst().orElse(null);
            if (demo == null) {
                sleepQuietly(50);
            }
        }
        if (demo == null) {
            throw new IllegalStateException("no demo server process found under pid " + self.pid());
        }
    }

    Optional<ProcessHandle> front() {
        return Optional.ofNullable(front);
    }

    ProcessHandle demo() {
        return demo;
    }

    /** CPU time (ns) a process has used so far, or 0 when unknown. */
    static long cpuNanos(ProcessHandle handle) {
        return handle == null ? 0 : handle.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** VmRSS of a process in bytes, from /proc; -1 when unknown (not Linux, or gone). */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or gone
        }
        return -1;
    }

    String stderrTail() {
        return tail(stderr);
    }

    /** The last 20 lines of a process's stderr log, for failure messages. */
    static String tail(java.nio.file.Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no stderr: " + e.getMessage() + ")";
        }
    }

    /** Closes stdin (a clean MCP shutdown), then waits a bounded time before terminating whatever is left. */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        client.close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
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

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
