package io.gatekit.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code proxy.http.auth.jwt}: bearer access tokens as an OAuth 2.1 resource server validates them.
 *
 * @param issuer the authorization server's issuer identifier; a token's {@code iss} must equal it
 * @param audience this gateway's resource URI; a token's {@code aud} must contain it (RFC 8707), and it is the
 *     {@code resource} of the protected resource metadata
 * @param jwks where the issuer's public signing keys are
 * @param requiredScopes every scope a token must carry, else 403 {@code insufficient_scope}
 * @param clockSkew tolerance on {@code exp} and {@code nbf}, default 60 s
 */
public record JwtAuthConfig(String issuer, String audience, Jwks jwks, List<String> requiredScopes,
        Duration clockSkew) {
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);

    /** Where the signing keys come from. */
    public sealed interface Jwks {}

    /** {@code jwks_uri}: fetched over HTTP(S), cached, refetched when a token names an unknown key (rotation). */
    public record RemoteJwks(URI uri) implements Jwks {
        public RemoteJwks {
            String scheme = Objects.requireNonNull(uri, "uri").getScheme();
            if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("jwks_uri must be an http or https URL, got " + uri);
            }
        }
    }

    /** {@code jwks_file}: a JWK set read from a file at start (keys the operator rotates by hand). */
    public record JwksFile(Path path) implements Jwks {
        public JwksFile {
            Objects.requireNonNull(path, "path");
        }
    }

    public JwtAuthConfig {
        if (Objects.requireNonNull(issuer, "issuer").isBlank()) {
            throw new IllegalArgumentException("issuer must not be blank");
        }
        if (Objects.requireNonNull(audience, "audience").isBlank()) {
            throw new IllegalArgumentException("audience must not be blank");
        }
        Objects.requireNonNull(jwks, "jwks");
        requiredScopes = List.copyOf(requiredScopes);
        if (Objects.requireNonNull(clockSkew, "clockSkew").isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("clock_skew must be between 0 and 300 seconds");
        }
    }
}
