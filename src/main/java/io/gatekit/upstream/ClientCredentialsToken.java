package io.gatekit.upstream;

import io.gatekit.config.UpstreamOAuth;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.util.Fields;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own access token for one HTTP upstream, by the OAuth client credentials grant (RFC 6749 4.4,
 * client_secret_basic), with the RFC 8707 {@code resource} when configured. The token is kept and renewed before it
 * expires (when a fifth of its life, at most a minute, is left), so requests almost never wait for the provider;
 * one that the upstream refuses (401) is dropped at once. If renewing fails while the old token is still valid, the
 * old one is used and the failure logged.
 *
 * <p>Concurrency: the current token is an immutable record in a volatile field, read without a lock; fetching is
 * single-flight under {@code fetching} (requests that find the token due wait for the one fetch, on their own,
 * virtual, threads).
 */
final class ClientCredentialsToken implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClientCredentialsToken.class);

    private final String upstream;
    private final TokenEndpoint endpoint;
    private final ReentrantLock fetching = new ReentrantLock();
    private volatile TokenEndpoint.@Nullable Token current;

    ClientCredentialsToken(String upstream, UpstreamOAuth oauth, Duration timeout) {
        this.upstream = upstream;
        this.endpoint = new TokenEndpoint(upstream, oauth, timeout);
    }

    /** A valid token, fetched now if there is none or it is due for renewal. */
    String value() throws IOException {
        TokenEndpoint.Token token = current;
        if (token != null && System.nanoTime() < token.renewAtNanos()) {
            return token.value();
        }
        fetching.lock();
        try {
            token = current;
            if (token != null && System.nanoTime() < token.renewAtNanos()) {
                return token.value(); // another request renewed it while this one waited
            }
            try {
                Fields grant = new Fields();
                grant.put("grant_type", "client_credentials");
                TokenEndpoint.Token fresh = endpoint.request(grant);
                current = fresh;
                return fresh.value();
            } catch (IOException e) {
                if (token != null && System.nanoTime() < token.expiresAtNanos()) {
                    log.warn("upstream {}: renewing its token at {} failed, the current one is still valid: {}", upstream,
                            endpoint.url(), e.getMessage());
                    return token.value();
                }
                throw e;
            }
        } finally {
            fetching.unlock();
        }
    }

    /** The upstream refused {@code value}: fetch another for the next request. */
    void refused(String value) {
        TokenEndpoint.Token token = current;
        if (token != null && token.value().equals(value)) {
            current = null;
        }
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
