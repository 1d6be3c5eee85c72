package io.gatekit.security.auth;

import io.gatekit.config.AuthConfig;
import io.gatekit.session.Principal;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Decides who is calling the HTTP face, once per HTTP request, before anything else looks at it: a bearer token
 * ({@code Authorization: Bearer}) that is a configured API key or a valid JWT, or an API key in {@code X-API-Key}.
 * With nothing configured every request is anonymous. The credential itself goes no further than this class: the
 * gateway forwards none of the client's headers upstream.
 *
 * <p>Concurrency: immutable; called from many request threads at once.
 */
public final class Authenticator {
    private final AuthConfig config;
    private final ApiKeys apiKeys;
    private final @Nullable JwtValidator jwt;
    private final @Nullable ProtectedResourceMetadata metadata;

    /**
     * @param endpointPath the MCP endpoint's path (for the metadata's well-known location)
     * @throws IllegalArgumentException when the JWT settings cannot be used (an unreadable JWK set file)
     */
    public Authenticator(AuthConfig config, String endpointPath) {
        this.config = config;
        this.apiKeys = new ApiKeys(config.apiKeys());
        this.jwt = config.jwt().map(JwtValidator::new).orElse(null);
        this.metadata = config.jwt().map(settings -> new ProtectedResourceMetadata(settings, endpointPath)).orElse(null);
    }

    /** The RFC 9728 document, when tokens come from an authorization server (JWT configured). */
    public Optional<ProtectedResourceMetadata> metadata() {
        return Optional.ofNullable(metadata);
    }

    /** Whether callers must present a credential. */
    public boolean required() {
        return config.isEnabled();
    }

    /**
     * Who presents these headers.
     *
     * @param authorization the {@code Authorization} header, or null
     * @param apiKey the {@code X-API-Key} header, or null
     */
    public AuthResult authenticate(@Nullable String authorization, @Nullable String apiKey) {
        if (!config.isEnabled()) {
            return new AuthResult.Admitted(Principal.ANONYMOUS);
        }
        if (authorization != null) {
            return bearer(authorization, apiKey);
        }
        if (apiKey != null) {
            return key(apiKey.strip());
        }
        return new AuthResult.Refused(401, "", "authentication required: send Authorization: Bearer <token>"
                + (apiKeys.isEmpty() ? "" : " or X-API-Key: <key>"), "");
    }

    private AuthResult bearer(String authorization, @Nullable String apiKey) {
        String value = authorization.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            return new AuthResult.Refused(401, "invalid_request", "the Authorization header must use the Bearer scheme", "");
        }
        String token = value.substring(space + 1).strip();
        if (token.isEmpty()) {
            return new AuthResult.Refused(401, "invalid_request", "the bearer token is empty", "");
        }
        if (apiKey != null) {
            return new AuthResult.Refused(401, "invalid_request", "send one credential: Authorization or X-API-Key, not both", "");
        }
        Principal keyed = apiKeys.isEmpty() ? null : apiKeys.match(token);
        if (keyed != null) {
            return new AuthResult.Admitted(keyed);
        }
        JwtValidator validator = jwt;
        if (validator == null) {
            return new AuthResult.Refused(401, "invalid_token", "unknown API key", "");
        }
        return validator.validate(token);
    }

    private AuthResult key(String presented) {
        Principal keyed = apiKeys.isEmpty() || presented.isEmpty() ? null : apiKeys.match(presented);
        return keyed != null ? new AuthResult.Admitted(keyed)
                : new AuthResult.Refused(401, "invalid_token", "unknown API key", "");
    }
}
