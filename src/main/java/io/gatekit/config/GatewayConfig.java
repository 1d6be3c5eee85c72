package io.gatekit.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole, validated gateway configuration. Immutable: a hot reload builds a new one and swaps it in.
 *
 * @param source the file it was loaded from, empty for text or the embedded default
 * @param baseDirectory where relative paths in it resolve (the file's directory; the working directory otherwise):
 *     plugins resolve their files against it, and third-party plugin jars are looked for in its {@code plugins/}
 * @param policy who may see and use what; empty: everything is allowed to everyone
 */
public record GatewayConfig(ProxyConfig proxy, PluginsConfig plugins, LoggingConfig logging,
        ObservabilityConfig observability, Optional<Path> source, Path baseDirectory, Optional<PolicyConfig> policy) {

    public GatewayConfig {
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(plugins, "plugins");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(observability, "observability");
        Objects.requireNonNull(source, "source");
        baseDirectory = baseDirectory.toAbsolutePath().normalize();
        Objects.requireNonNull(policy, "policy");
    }
}
