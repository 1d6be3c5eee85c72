package io.gatekit.upstream;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.gatekit.config.UpstreamOAuth;
import io.gatekit.session.BearerToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.jetty.util.Fields;

/**
 * Per-caller tokens for one HTTP upstream by OAuth 2.0 Token Exchange (RFC 8693): the caller's validated access
 * token is the {@code subject_token}, the gateway authenticates as itself (client_secret_basic), and the provider
 * mints a token for the upstream's audience ({@code resource} or {@code audience}) naming the caller. The caller's
 * own token never goes to the upstream.
 *
 * <p>Exchanged tokens are cached per subject token (its SHA-256: the cache holds no caller token) until they are due
 * for renewal (a fifth of their life early, at most a minute), at most {@link #MAX_CALLERS} of them; a failed exchange
 * is not cached, so the next request asks again. Concurrent first requests of one caller share one exchange.
 *
 * <p>Concurrency: the cache is thread-safe; an exchange runs on the thread of the request that found none (a
 * virtual thread of the HTTP wire), the others wait for its future.
 */
final class TokenExchange implements AutoCloseable {
    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    static final int MAX_CALLERS = 10_000;

    private final TokenEndpoint endpoint;
    private final AsyncCache<String, TokenEndpoint.Token> exchanged = Caffeine.newBuilder()
            .maximumSize(MAX_CALLERS)
            .expireAfter(Expiry.creating((String key, TokenEndpoint.Token token) ->
                    Duration.ofNanos(Math.max(0, token.renewAtNanos() - System.nanoTime()))))
            .buildAsync();

    TokenExchange(String upstream, UpstreamOAuth client, Duration timeout) {
        this.endpoint = new TokenEndpoint(upstream, client, timeout);
    }

    /** The token minted for {@code subject}'s caller, exchanged now unless a fresh one is cached. */
    String tokenFor(BearerToken subject) throws IOException {
        String key = fingerprint(subject);
        CompletableFuture<TokenEndpoint.Token> mine = new CompletableFuture<>();
        CompletableFuture<TokenEndpoint.Token> existing = exchanged.asMap().putIfAbsent(key, mine);
        if (existing == null) {
            try {
                mine.complete(exchange(subject));
            } catch (IOException | RuntimeException e) {
                mine.completeExceptionally(e); // the cache drops a failed future: the next request tries again
            }
            existing = mine;
        }
        try {
            return existing.join().value();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new IOException(io.getMessage(), io);
            }
            throw new IOException("token exchange failed: " + cause, cause);
        }
    }

    private TokenEndpoint.Token exchange(BearerToken subject) throws IOException {
        Fields form = new Fields();
        form.put("grant_type", GRANT_TYPE);
        form.put("subject_token", subject.value());
        form.put("subject_token_type", ACCESS_TOKEN_TYPE);
        form.put("requested_token_type", ACCESS_TOKEN_TYPE);
        return endpoint.request(form);
    }

    /** The upstream refused {@code value} (401): exchange again on the caller's next request. */
    void refused(String value) {
        exchanged.synchronous().asMap().values().removeIf(token -> token.value().equals(value));
    }

    /** Exchanged tokens held now (for tests and the curious). */
    long cached() {
        return exchanged.synchronous().estimatedSize();
    }

    private static String fingerprint(BearerToken token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.value().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }

    String url() {
        return endpoint.url();
    }

    @Override
    public void close() {
        exchanged.synchronous().invalidateAll();
        endpoint.close();
    }
}
