package io.gatekit.upstream;

import io.gatekit.config.UpstreamConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an HTTP upstream's requests carry to authenticate: the configured {@code headers} (from the environment
 * through {@code ${VAR}}), and with {@code oauth} the gateway's own bearer token. Never anything of a client's.
 *
 * <p>Concurrency: immutable but for the token source, which is thread-safe.
 */
final class UpstreamCredentials implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpstreamCredentials.class);
    private static final String AUTHORIZATION = "Authorization";

    private final String upstream;
    private final Map<String, String> headers;
    private final @Nullable ClientCredentialsToken token;

    UpstreamCredentials(UpstreamConfig config, Duration timeout) {
        this.upstream = config.name();
        this.headers = config.headers();
        this.token = config.oauth().map(oauth -> new ClientCredentialsToken(config.name(), oauth, timeout)).orElse(null);
    }

    /**
     * The headers for one request. With oauth this may wait for the provider (on the request's own thread, never a
     * reader's); if no token can be had, the request goes without one, the upstream refuses it, and the cause is
     * logged here.
     */
    Map<String, String> headers() {
        if (token == null) {
            return headers;
        }
        Map<String, String> withToken = new LinkedHashMap<>(headers);
        try {
            withToken.put(AUTHORIZATION, "Bearer " + token.value());
        } catch (IOException e) {
            log.warn("upstream {}: no access token: {}", upstream, e.getMessage());
        }
        return withToken;
    }

    /** The upstream answered 401 to a request whose Authorization was {@code authorization}: not that token again. */
    void refused(@Nullable String authorization) {
        if (token != null && authorization != null && authorization.startsWith("Bearer ")) {
            token.refused(authorization.substring("Bearer ".length()));
        }
    }

    @Override
    public void close() {
        if (token != null) {
            token.close();
        }
    }
}
