package io.gatekit.config;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Shared helpers: parse YAML text as {@code test.yaml} living in {@link #BASE}. */
final class ConfigTesting {

    static final String SOURCE = "test.yaml";
    static final Path BASE = Path.of("/srv/gatekit").toAbsolutePath();

    private ConfigTesting() {}

    static GatewayConfig parse(String yaml) {
        return parse(yaml, Map.of());
    }

    static GatewayConfig parse(String yaml, Map<String, String> variables) {
        return ConfigLoader.parse(yaml, SOURCE, BASE, variables);
    }

    static List<ConfigProblem> problems(String yaml) {
        return problems(yaml, Map.of());
    }

    static List<ConfigProblem> problems(String yaml, Map<String, String> variables) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml, variables));
        if (e == null) {
            throw new AssertionError("expected a ConfigException for:\n" + yaml);
        }
        return e.problems();
    }

    /** Minimal valid YAML around the given upstream list items (each line already indented by 4). */
    static String withUpstreams(String upstreamItems) {
        return """
                proxy:
                  transport: stdio
                  upstreams:
                """ + upstreamItems;
    }
}
