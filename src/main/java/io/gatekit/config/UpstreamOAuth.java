package io.gatekit.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The gateway as an OAuth client of one HTTP upstream's token endpoint (client_secret_basic). Under {@code oauth:} it
 * gets its own access token by the client credentials grant and sends it as {@code Authorization: Bearer}, renewing
 * it before it expires. Under {@code token_exchange:} it exchanges each caller's validated token for one minted for
 * the upstream (RFC 8693); the caller's own token never reaches the upstream.
 *
 * @param scope the scope to ask for, space-separated, if any
 * @param resource the RFC 8707 resource indicator (the upstream's URI, for providers that mint per-audience tokens)
 * @param audience an {@code audience} parameter, for providers that want one instead
 */
public record UpstreamOAuth(URI tokenUrl, String clientId, String clientSecret, Optional<String> scope,
        Optional<String> resource, Optional<String> audience) {

    public UpstreamOAuth {
        Objects.requireNonNull(tokenUrl, "tokenUrl");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(audience, "audience");
    }

    /** Never the secret: configs are logged and compared in messages. */
    @Override
    public String toString() {
        return "UpstreamOAuth[tokenUrl=" + tokenUrl + ", clientId=" + clientId + ", scope=" + scope.orElse("")
                + ", resource=" + resource.orElse("") + ", audience=" + audience.orElse("") + "]";
    }
}
