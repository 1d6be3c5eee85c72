package io.gatekit.config;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code proxy:} section: how clients reach the gateway and which upstream servers it fronts.
 *
 * @param transport client-facing transport, {@code stdio} or {@code http}; {@code http} needs {@code http}
 * @param upstreams every configured upstream, enabled or not, in config order; names are unique
 * @param hotReload {@code auto}, {@code enabled} or {@code disabled}
 */
public record ProxyConfig(
        String transport,
        List<UpstreamConfig> upstreams,
        TimeoutsConfig timeouts,
        LimitsConfig limits,
        Optional<HttpConfig> http,
        String hotReload) {

    static final Set<String> TRANSPORTS = Set.of("stdio", "http");
    static final Set<String> HOT_RELOAD_MODES = Set.of("auto", "enabled", "disabled");
    static final String DEFAULT_HOT_RELOAD = "disabled";

    public ProxyConfig {
        if (!TRANSPORTS.contains(Objects.requireNonNull(transport, "transport"))) {
            throw new IllegalArgumentException("proxy transport must be stdio or http, got " + transport);
        }
        upstreams = List.copyOf(upstreams);
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("at least one upstream is required");
        }
        Set<String> names = new HashSet<>();
        for (UpstreamConfig upstream : upstreams) {
            if (!names.add(upstream.name())) {
                throw new IllegalArgumentException("duplicate upstream name " + upstream.name());
            }
        }
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(http, "http");
        if (transport.equals("http") && http.isEmpty()) {
            throw new IllegalArgumentException("the http transport needs an http section");
        }
        if (!HOT_RELOAD_MODES.contains(Objects.requireNonNull(hotReload, "hotReload"))) {
            throw new IllegalArgumentException("hot_reload must be auto, enabled or disabled, got " + hotReload);
        }
    }

    /** Enabled upstreams only, in config order. */
    public List<UpstreamConfig> enabledUpstreams() {
        return upstreams.stream().filter(UpstreamConfig::enabled).toList();
    }
}
