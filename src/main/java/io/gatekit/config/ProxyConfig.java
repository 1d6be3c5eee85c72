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
 * @param admin the admin listener ({@code /metrics}, {@code /healthz}, {@code /readyz}), when configured
 * @param stdioPrincipal who the client of the stdio face is ({@code stdio.principal}), when the file says
 */
public record ProxyConfig(
        ClientTransport transport,
        List<UpstreamConfig> upstreams,
        TimeoutsConfig timeouts,
        LimitsConfig limits,
        Optional<HttpConfig> http,
        HotReload hotReload,
        Optional<AdminConfig> admin,
        Optional<StdioPrincipal> stdioPrincipal) {

    static final HotReload DEFAULT_HOT_RELOAD = HotReload.DISABLED;

    public ProxyConfig {
        Objects.requireNonNull(transport, "transport");
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
        if (transport == ClientTransport.HTTP && http.isEmpty()) {
            throw new IllegalArgumentException("the http transport needs an http section");
        }
        Objects.requireNonNull(hotReload, "hotReload");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(stdioPrincipal, "stdioPrincipal");
    }

    /** Enabled upstreams only, in config order. */
    public List<UpstreamConfig> enabledUpstreams() {
        return upstreams.stream().filter(UpstreamConfig::enabled).toList();
    }
}
