package io.gatekit.upstream;

import io.gatekit.config.UpstreamConfig;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.session.BearerToken;
import io.gatekit.session.Principal;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What an HTTP upstream's requests carry to authenticate: the configured {@code headers} (from the environment
 * through {@code ${VAR}}), with {@code oauth} the gateway's own bearer token, and with {@code token_exchange}, on a
 * client's request, a token minted for that request's caller (RFC 8693). Never a client's own credential.
 *
 * <p>Concurrency: immutable but for the token sources, which are thread-safe.
 */
final class UpstreamCredentials implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpstreamCredentials.class);
    private static final String AUTHORIZATION = "Authorization";
    private static final String BEARER = "Bearer ";

    private final String upstream;
    private final Map<String, String> headers;
    private final @Nullable ClientCredentialsToken token;
    private final @Nullable TokenExchange exchange;

    UpstreamCredentials(UpstreamConfig config, Duration timeout) {
        this.upstream = config.name();
        this.headers = config.headers();
        this.token = config.oauth().map(oauth -> new ClientCredentialsToken(config.name(), oauth, timeout)).orElse(null);
        this.exchange = config.tokenExchange().map(client -> new TokenExchange(config.name(), client, timeout))
                .orElse(null);
    }

    /**
     * The headers for one of the gateway's own messages (the handshake, lists, streams, notifications). With oauth
     * this may wait for the provider (on the request's own thread, never a reader's); if no token can be had, the
     * request goes without one, the upstream refuses it, and the cause is logged here.
     */
    Map<String, String> headers() {
        if (token == null) {
            return headers;
        }
        Map<String, String> withToken = new LinkedHashMap<>(headers);
        try {
            withToken.put(AUTHORIZATION, BEARER + token.value());
        } catch (IOException e) {
            log.warn("upstream {}: no access token: {}", upstream, e.getMessage());
        }
        return withToken;
    }

    /**
     * The headers for a client's request: with token exchange, a token minted for {@code caller}, exchanged now
     * unless cached (on the request's own virtual thread). Without token exchange, or for the gateway's own
     * messages ({@code caller} null), {@link #headers()}. Throws {@link GatewayException} with the error the client
     * gets when the caller has no token to exchange (an API key) or the provider refuses the exchange: such a
     * request is never sent on the gateway's identity instead.
     */
    Map<String, String> headers(@Nullable Principal caller) {
        TokenExchange perCaller = exchange;
        if (perCaller == null || caller == null) {
            return headers();
        }
        BearerToken subject = caller.token();
        if (subject == null) {
            throw refusal("no_caller_token", "Upstream '" + upstream + "' acts on behalf of each caller (token_exchange)"
                    + " and needs the caller's own access token; "
                    + (caller.isAnonymous() ? "this caller is anonymous" : "'" + caller.subject()
                            + "' authenticated without one (an API key)") + ". Call it with a JWT access token");
        }
        String minted;
        try {
            minted = perCaller.tokenFor(subject);
        } catch (IOException e) {
            log.warn("upstream {}: exchanging the token of '{}' failed: {}", upstream, caller.subject(), e.getMessage());
            throw refusal("token_exchange_failed", "Upstream '" + upstream + "': the token exchange for '"
                    + caller.subject() + "' at " + perCaller.url() + " failed: " + e.getMessage());
        }
        Map<String, String> withToken = new LinkedHashMap<>(headers);
        withToken.put(AUTHORIZATION, BEARER + minted);
        return withToken;
    }

    private GatewayException refusal(String reason, String message) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("reason", reason);
        data.put("upstream", upstream);
        return new GatewayException(new JsonRpcError(ErrorCode.UPSTREAM_UNAVAILABLE.code(), message, data));
    }

    /** The upstream answered 401 to a request whose Authorization was {@code authorization}: not that token again. */
    void refused(@Nullable String authorization) {
        if (authorization == null || !authorization.startsWith(BEARER)) {
            return;
        }
        String value = authorization.substring(BEARER.length());
        if (token != null) {
            token.refused(value);
        }
        if (exchange != null) {
            exchange.refused(value);
        }
    }

    @Override
    public void close() {
        if (token != null) {
            token.close();
        }
        if (exchange != null) {
            exchange.close();
        }
    }
}
