package io.gatekit.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code proxy.http.auth} section: who may call the HTTP face. Either or both of bearer JWTs from an OAuth 2.1
 * authorization server ({@code jwt}) and static API keys ({@code api_keys}); with neither, every caller is
 * anonymous, which the gateway accepts only on a loopback address or with {@code allow_unauthenticated: true}.
 *
 * @param jwt how to validate access tokens, if the gateway sits behind an identity provider
 * @param apiKeys keys known by their SHA-256 hash
 * @param allowUnauthenticated the operator's explicit consent to serve a non-loopback address without authentication
 * @param protectMetrics whether {@code /metrics} on the face's port needs a credential, and {@code /readyz} tells an
 *     unauthenticated probe only whether the gateway is ready ({@code protect_metrics}; default: whenever
 *     authentication is configured)
 */
public record AuthConfig(Optional<JwtAuthConfig> jwt, List<ApiKeyConfig> apiKeys, boolean allowUnauthenticated,
        boolean protectMetrics) {
    /** No authentication: the default, fit for a loopback address only. */
    public static final AuthConfig NONE = new AuthConfig(Optional.empty(), List.of(), false, false);

    /** Authentication as configured, with {@code /metrics} protected whenever there is any. */
    public AuthConfig(Optional<JwtAuthConfig> jwt, List<ApiKeyConfig> apiKeys, boolean allowUnauthenticated) {
        this(jwt, apiKeys, allowUnauthenticated, jwt.isPresent() || !apiKeys.isEmpty());
    }

    public AuthConfig {
        Objects.requireNonNull(jwt, "jwt");
        apiKeys = List.copyOf(apiKeys);
        long distinct = apiKeys.stream().map(ApiKeyConfig::name).distinct().count();
        if (distinct != apiKeys.size()) {
            throw new IllegalArgumentException("api_keys names must be unique");
        }
        if (protectMetrics && jwt.isEmpty() && apiKeys.isEmpty()) {
            throw new IllegalArgumentException("protect_metrics needs jwt or api_keys: without them no credential can be checked");
        }
    }

    /** Whether callers must present a credential. */
    public boolean isEnabled() {
        return jwt.isPresent() || !apiKeys.isEmpty();
    }
}
