package io.gatekit.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP upstream's {@code oauth:}: the gateway gets its own access token from {@code tokenUrl} by the OAuth client
 * credentials grant (client_secret_basic) and sends it as {@code Authorization: Bearer}, renewing it before it
 * expires. The token is the gateway's, never a client's.
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
