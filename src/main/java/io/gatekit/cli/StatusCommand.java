package io.gatekit.cli;

import io.gatekit.observability.StatusFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code gatekit status}: the health of every running gateway on this machine, upstream by upstream. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show running gateways and the health of each upstream (state, pid, restarts, last error), and the"
                + " tools listed under an alias.")
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the raw status documents, one JSON object per line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<Path> files = StatusFile.live();
        if (files.isEmpty()) {
            System.out.println("No running gateway found (status files live in " + StatusFile.directory() + ").");
            return 0;
        }
        JsonMapper mapper = JsonMapper.builder().build();
        for (Path file : files) {
            JsonNode status = mapper.readTree(Files.readString(file));
            if (json) {
                System.out.println(status);
                continue;
            }
            System.out.printf("gateway pid %d (config %s), %d client(s), updated %s%n", status.path("pid").asLong(),
                    status.path("config").asString(), status.path("clients").asInt(), status.path("updated").asString());
            System.out.printf("  load: %d request(s) in flight, %.1f request(s)/s, %d since start%n",
                    status.path("inFlight").asLong(), status.path("requestsPerSecond").asDouble(),
                    status.path("requestsTotal").asLong());
            System.out.printf("  %-20s %-9s %8s %9s %8s %9s %7s  %s%n", "UPSTREAM", "STATE", "PID", "PROCESSES", "RESTARTS",
                    "IN-FLIGHT", "QUEUED", "LAST ERROR");
            for (JsonNode u : status.path("upstreams")) {
                System.out.printf("  %-20s %-9s %8s %9d %8d %9d %7d  %s%n", u.path("name").asString(), u.path("state").asString(),
                        u.has("pid") ? u.path("pid").asString() : "-", u.path("processes").asInt(), u.path("restarts").asInt(),
                        u.path("inFlight").asInt(), u.path("queued").asInt(), u.path("lastError").asString(""));
                for (JsonNode alias : u.path("toolAliases")) {
                    System.out.printf("    tool %s listed as %s: %s%n", alias.path("tool"), alias.path("alias").asString(),
                            alias.path("reason").asString());
                }
            }
        }
        return 0;
    }
}
