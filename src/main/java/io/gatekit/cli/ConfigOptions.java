package io.gatekit.cli;

import io.gatekit.config.ClientTransport;
import io.gatekit.config.ConfigLoader;
import io.gatekit.config.GatewayConfig;
import io.gatekit.plugins.PluginRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The {@code --config} option and how a config is loaded from it, shared by the subcommands. */
final class ConfigOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Gateway configuration (YAML). Without it, an embedded default fronts the built-in demo server.")
    @Nullable Path config;

    private @Nullable PluginRegistry registry;

    /** Loads the config and checks that every plugin it names exists; throws ConfigException otherwise. */
    GatewayConfig load() {
        Map<String, String> variables = variables();
        Path file = config;
        if (file == null) {
            return ConfigLoader.loadDefault(variables, registry());
        }
        return ConfigLoader.load(file, variables, registry());
    }

    /**
     * The plugin handlers for this config: the built-ins plus the jars in a {@code plugins/} directory beside it;
     * found once (a reload sees the same handlers: a new jar needs a restart).
     */
    PluginRegistry registry() {
        PluginRegistry found = registry;
        if (found == null) {
            Path file = config;
            found = file == null ? PluginRegistry.builtIn()
                    : PluginRegistry.discover(file.toAbsolutePath().normalize().getParent());
            registry = found;
        }
        return found;
    }

    /**
     * The client transport the config file names even though it failed to load, when that can be read; empty for
     * the embedded default (stdio) and for a file too broken to tell.
     */
    Optional<ClientTransport> declaredTransport() {
        return config == null ? Optional.empty() : ConfigLoader.declaredTransport(config, variables());
    }

    /**
     * The variables {@code ${...}} may use: the environment, plus GATEKIT_JAVA and GATEKIT_CLASSPATH, which
     * launch this same Gatekit (the embedded default uses them to start the demo server).
     */
    static Map<String, String> variables() {
        Map<String, String> variables = new HashMap<>(System.getenv());
        variables.put("GATEKIT_JAVA", ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        variables.put("GATEKIT_CLASSPATH", System.getProperty("java.class.path"));
        return variables;
    }
}
