package io.gatekit.upstream;

import io.gatekit.config.UpstreamOAuth;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.FormRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.Fields;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's own access token for one HTTP upstream, by the OAuth client credentials grant (RFC 6749 4.4,
 * client_secret_basic), with the RFC 8707 {@code resource} when configured. The token is kept and renewed before it
 * expires (when a fifth of its life, at most a minute, is left), so requests almost never wait for the provider;
 * one that the upstream refuses (401) is dropped at once. If renewing fails while the old token is still valid, the
 * old one is used and the failure logged.
 *
 * <p>Concurrency: the current token is an immutable record in a volatile field, read without a lock; fetching is
 * single-flight under {@code fetching} (requests that find the token due wait for the one fetch, on their own,
 * virtual, threads). The Jetty client is its own (the provider is another host than the upstream, with the JDK's
 * trust), started lazily and stopped by {@link #close}.
 */
final class ClientCredentialsToken implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClientCredentialsToken.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration MAX_EARLY = Duration.ofMinutes(1);

    /** A token and when to renew it and when it expires ({@code System.nanoTime()}). */
    private record Token(String value, long renewAtNanos, long expiresAtNanos) {}

    private final String upstream;
    private final UpstreamOAuth oauth;
    private final Duration timeout;
    private final ReentrantLock fetching = new ReentrantLock();
    private volatile @Nullable Token current;
    private volatile @Nullable HttpClient client;
    private volatile boolean closed;

    ClientCredentialsToken(String upstream, UpstreamOAuth oauth, Duration timeout) {
        this.upstream = upstream;
        this.oauth = oauth;
        this.timeout = timeout;
    }

    /** A valid token, fetched now if there is none or it is due for renewal. */
    String value() throws IOException {
        Token token = current;
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
                Token fresh = fetch();
                current = fresh;
                return fresh.value();
            } catch (IOException e) {
                if (token != null && System.nanoTime() < token.expiresAtNanos()) {
                    log.warn("upstream {}: renewing its token at {} failed, the current one is still valid: {}", upstream,
                            oauth.tokenUrl(), e.getMessage());
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
        Token token = current;
        if (token != null && token.value().equals(value)) {
            current = null;
        }
    }

    private Token fetch() throws IOException {
        Fields form = new Fields();
        form.put("grant_type", "client_credentials");
        oauth.scope().ifPresent(scope -> form.put("scope", scope));
        oauth.resource().ifPresent(resource -> form.put("resource", resource));
        oauth.audience().ifPresent(audience -> form.put("audience", audience));
        // RFC 6749 2.3.1: the id and secret are form-encoded before they are joined for Basic.
        String basic = Base64.getEncoder().encodeToString((formEncoded(oauth.clientId()) + ":"
                + formEncoded(oauth.clientSecret())).getBytes(StandardCharsets.UTF_8));
        long sentAt = System.nanoTime();
        ContentResponse response;
        try {
            response = client().newRequest(oauth.tokenUrl()).method(HttpMethod.POST)
                    .headers(h -> {
                        h.put(HttpHeader.AUTHORIZATION, "Basic " + basic);
                        h.put(HttpHeader.ACCEPT, "application/json");
                    })
                    .body(new FormRequestContent(form))
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .send();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + oauth.tokenUrl() + " for a token", e);
        } catch (Exception e) {
            throw new IOException("cannot reach the token endpoint " + oauth.tokenUrl() + ": " + e.getMessage(), e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.getContentAsString());
        } catch (RuntimeException e) {
            body = JSON.createObjectNode();
        }
        String token = body.path("access_token").asString("");
        if (response.getStatus() != 200 || token.isEmpty()) {
            // The provider's error code and description name the cause (invalid_client, invalid_scope, ...).
            throw new IOException("the token endpoint " + oauth.tokenUrl() + " answered HTTP " + response.getStatus()
                    + (body.has("error") ? ": " + body.path("error").asString("") + " "
                            + body.path("error_description").asString("") : ""));
        }
        long lifetimeNanos = TimeUnit.SECONDS.toNanos(Math.max(1, body.path("expires_in").asLong(300)));
        long early = Math.min(lifetimeNanos / 5, MAX_EARLY.toNanos());
        log.debug("upstream {}: new token from {}, valid {} s", upstream, oauth.tokenUrl(),
                TimeUnit.NANOSECONDS.toSeconds(lifetimeNanos));
        // Counted from when it was asked for: the provider's clock started no later.
        return new Token(token, sentAt + lifetimeNanos - early, sentAt + lifetimeNanos);
    }

    private static String formEncoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private HttpClient client() throws IOException {
        HttpClient started = client;
        if (started != null) {
            return started;
        }
        if (closed) {
            throw new IOException("closed");
        }
        HttpClient fresh = new HttpClient();
        fresh.setName("gatekit-token-" + upstream);
        try {
            fresh.start();
        } catch (Exception e) {
            throw new IOException("cannot start the HTTP client for " + oauth.tokenUrl() + ": " + e, e);
        }
        client = fresh; // under the fetching lock: one client
        return fresh;
    }

    @Override
    public void close() {
        closed = true;
        HttpClient started = client;
        if (started != null) {
            try {
                started.stop();
            } catch (Exception e) {
                log.debug("upstream {}: stopping the token client: {}", upstream, e.toString());
            }
        }
    }
}
