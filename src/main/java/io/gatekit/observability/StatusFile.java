package io.gatekit.observability;

import io.gatekit.Gateway;
import io.gatekit.routing.ToolAlias;
import io.gatekit.upstream.Upstream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The health view of a running gateway, published as a small JSON file per gateway process in a shared
 * directory, refreshed every {@code interval} and removed on exit. {@code gatekit status} reads them: a stdio
 * gateway is a child of its client and has no port to ask, so a file is the one channel every gateway has.
 */
public final class StatusFile implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusFile.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Gateway gateway;
    private final Path file;
    private final Instant started = Instant.now();
    private final Thread thread;
    /** The request count and time of the previous write, for the rate; only the writing thread touches them. */
    private long lastCount;
    private long lastNanos = System.nanoTime();
    private volatile double requestsPerSecond;

    public StatusFile(Gateway gateway, Duration interval) {
        this.gateway = gateway;
        this.file = directory().resolve(ProcessHandle.current().pid() + ".json");
        this.thread = Thread.ofVirtual().name("gatekit-status").start(() -> {
            try {
                while (true) {
                    write();
                    Thread.sleep(interval);
                }
            } catch (InterruptedException e) {
                // closing
            }
        });
    }

    /** Where gateways publish their status: $XDG_RUNTIME_DIR/gatekit, else the temp dir. */
    public static Path directory() {
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        Path base = runtime == null || runtime.isBlank() ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(runtime);
        return base.resolve("gatekit-status");
    }

    /** The status document: this process, its config, clients, every upstream's health and its tools listed under an alias. */
    public ObjectNode snapshot() {
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.put("pid", ProcessHandle.current().pid());
        status.put("started", started.toString());
        status.put("updated", Instant.now().toString());
        status.put("config", gateway.config().source().map(Object::toString).orElse("embedded default"));
        status.put("clients", gateway.sessions().size());
        PrometheusEvents metrics = gateway.observability().metrics();
        status.put("sessions", gateway.sessions().size());
        status.put("inFlight", metrics.inFlight());
        status.put("requestsTotal", metrics.requestCount());
        status.put("requestsPerSecond", Math.round(requestsPerSecond * 10) / 10.0);
        ArrayNode upstreams = status.putArray("upstreams");
        Map<String, List<ToolAlias>> aliases = gateway.toolAliases().stream()
                .collect(Collectors.groupingBy(ToolAlias::upstream));
        for (Upstream upstream : gateway.upstreams()) {
            ObjectNode u = upstreams.addObject();
            u.put("name", upstream.name());
            u.put("state", upstream.state().name());
            upstream.pid().ifPresent(pid -> u.put("pid", pid));
            u.put("processes", upstream.pids().size());
            u.put("clientSessions", upstream.sessionCount());
            u.put("restarts", upstream.restarts());
            u.put("inFlight", upstream.inFlightCount());
            u.put("queued", gateway.queued(upstream.name()));
            u.put("since", upstream.lastChange().toString());
            upstream.info().ifPresent(info -> u.put("server", info.serverInfo().path("name").asString("")));
            upstream.lastError().ifPresent(error -> u.put("lastError", error));
            List<ToolAlias> listed = aliases.getOrDefault(upstream.name(), List.of());
            if (!listed.isEmpty()) {
                ArrayNode entries = u.putArray("toolAliases");
                listed.forEach(alias -> entries.addObject().put("tool", alias.original()).put("alias", alias.alias())
                        .put("reason", alias.reason().description()));
            }
        }
        return status;
    }

    private void write() {
        long count = gateway.observability().metrics().requestCount();
        long now = System.nanoTime();
        if (now > lastNanos) {
            requestsPerSecond = (count - lastCount) * 1e9 / (now - lastNanos);
        }
        lastCount = count;
        lastNanos = now;
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(temporary, JSON.writeValueAsBytes(snapshot()));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.debug("cannot write status file {}: {}", file, e.toString());
        }
    }

    /** Status files of running gateways (files of dead processes are removed). */
    public static List<Path> live() throws IOException {
        Path dir = directory();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).filter(p -> {
                String name = p.getFileName().toString();
                long pid = Long.parseLong(name.substring(0, name.length() - 5));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    return true;
                }
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // someone else's file
                }
                return false;
            }).sorted().toList();
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(1));
            Files.deleteIfExists(file);
        } catch (IOException | InterruptedException ignored) {
            // best effort on the way out
        }
    }
}
