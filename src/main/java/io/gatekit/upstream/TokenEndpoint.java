package io.gatekit.upstream;

import io.gatekit.config.UpstreamOAuth;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
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
 * One upstream's OAuth token endpoint, with the gateway as its client (client_secret_basic): posts a grant, adds the
 * configured {@code scope}, {@code resource} (RFC 8707) and {@code audience}, and reads the issued token and its
 * lifetime. A refusal becomes an {@link IOException} naming the provider's error code and description, never a
 * credential.
 *
 * <p>Concurrency: thread-safe; the Jetty client is its own (the provider is another host than the upstream, with
 * the JDK's trust), started on first use under this object's lock and stopped by {@link #close}.
 */
final class TokenEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration MAX_EARLY = Duration.ofMinutes(1);

    /**
     * An issued token, when to renew it (a fifth of its life early, at most a minute) and when it expires, both
     * {@code System.nanoTime()} and counted from when it was asked for: the provider's clock started no later.
     */
    record Token(String value, long renewAtNanos, long expiresAtNanos) {
        @Override
        public String toString() {
            return "Token[hidden]";
        }
    }

    private final String upstream;
    private final UpstreamOAuth oauth;
    private final Duration timeout;
    private volatile @Nullable HttpClient client;
    private volatile boolean closed;

    TokenEndpoint(String upstream, UpstreamOAuth oauth, Duration timeout) {
        this.upstream = upstream;
        this.oauth = oauth;
        this.timeout = timeout;
    }

    String url() {
        return oauth.tokenUrl().toString();
    }

    /**
     * Asks for a token by {@code form} (a fresh form with the grant_type and the grant's own parameters, to which the
     * configured ones are added); throws with the provider's reason.
     */
    Token request(Fields form) throws IOException {
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
            // The provider's error code and description name the cause (invalid_client, invalid_target, ...).
            throw new IOException("the token endpoint " + oauth.tokenUrl() + " answered HTTP " + response.getStatus()
                    + (body.has("error") ? ": " + body.path("error").asString("") + " "
                            + body.path("error_description").asString("") : ""));
        }
        long lifetimeNanos = TimeUnit.SECONDS.toNanos(Math.max(1, body.path("expires_in").asLong(300)));
        long early = Math.min(lifetimeNanos / 5, MAX_EARLY.toNanos());
        log.debug("upstream {}: new token from {}, valid {} s", upstream, oauth.tokenUrl(),
                TimeUnit.NANOSECONDS.toSeconds(lifetimeNanos));
        return new Token(token, sentAt + lifetimeNanos - early, sentAt + lifetimeNanos);
    }

    private static String formEncoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private synchronized HttpClient client() throws IOException {
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
        client = fresh;
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
