package io.gatekit.upstream;

import io.gatekit.config.ProtocolEra;
import io.gatekit.config.UpstreamConfig;
import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.jsonrpc.ProtocolVersions;
import io.gatekit.session.Principal;
import io.gatekit.transport.MessageHandler;
import java.io.IOException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The Streamable HTTP wire. Unless the upstream is configured {@code protocol_era: legacy}, the handshake first
 * probes {@code server/discover}: a server that offers the stateless 2026-07-28 era is spoken to in it
 * ({@link ModernHttpEra}); any other answer falls back to {@code initialize} and a session ({@link LegacyHttpEra}).
 * The era is chosen once and then handles every message; {@link HttpExchange} does each HTTP exchange for it.
 * The connection above sees the same messages either way. Each POST runs on its own virtual thread; Jetty pools
 * the connections.
 *
 * <p>Concurrency: the era is volatile, written once (at construction for {@code legacy}, else by the discovery
 * thread before the initialize answer is handed up, so every later message sees it).
 */
final class HttpWire extends HttpWireBase {
    private static final Logger log = LoggerFactory.getLogger(HttpWire.class);

    private final HttpExchange exchange;
    private final Duration answerWait;
    private final HttpEra.Host host = new HttpEra.Host() {
        @Override
        public void deliver(Decoded decoded) {
            HttpWire.this.deliver(decoded);
        }

        @Override
        public void deliverRelated(Decoded decoded, JsonNode requestId) {
            MessageHandler target = handler;
            if (target != null) {
                target.onRelatedMessage(decoded, requestId);
            }
        }

        @Override
        public void failRequest(JsonRpcMessage message, String why) {
            HttpWire.this.failRequest(message, why);
        }

        @Override
        public void end(Throwable cause) {
            HttpWire.this.end(cause);
        }

        @Override
        public boolean isOpen() {
            return open;
        }
    };
    /** Null until discovery has chosen (at once for {@code protocol_era: legacy}). */
    private volatile @Nullable HttpEra era;

    /** {@code answerWait}: how long a request may wait for its answer (the request timeout ends the call first). */
    HttpWire(UpstreamConfig config, JsonRpcCodec codec, int maxMessageBytes, Duration connectTimeout, Duration answerWait)
            throws IOException {
        super(config, codec, maxMessageBytes, connectTimeout);
        this.exchange = new HttpExchange(client, config, credentials, codec, maxMessageBytes);
        this.answerWait = answerWait;
        if (!config.mayBeModern()) {
            era = sessionEra();
        }
    }

    private HttpEra.Context context() {
        return new HttpEra.Context(config.name(), exchange, host, connectTimeout, answerWait);
    }

    private LegacyHttpEra sessionEra() {
        return new LegacyHttpEra(context());
    }

    @Override
    public boolean send(JsonRpcMessage message) {
        return send(message, null);
    }

    @Override
    public boolean send(JsonRpcMessage message, @Nullable Principal caller) {
        if (!open) {
            return false;
        }
        HttpEra chosen = era;
        if (chosen != null) {
            return chosen.send(message, caller);
        }
        if (message instanceof Request request && "initialize".equals(request.method())) {
            Thread.ofVirtual().name("gatekit-http-discover").start(() -> discoverOrInitialize(request));
            return true;
        }
        log.warn("upstream {}: {} sent before the handshake; dropped", config.name(), message);
        return false;
    }

    /**
     * The handshake: {@code server/discover} first; a server offering 2026-07-28 is answered with the discovery in
     * the shape of an initialize result, anything else falls back to {@code initialize} (not keyed to one error
     * code: legacy servers answer the probe in many ways).
     */
    private void discoverOrInitialize(Request initialize) {
        Request probe = ModernProtocol.discoverRequest(initialize);
        Response answer = probe(probe);
        ModernProtocol protocol = answer == null ? null : ModernProtocol.fromDiscovery(initialize, answer);
        if (answer != null && protocol != null) {
            era = new ModernHttpEra(context(), protocol);
            log.info("upstream {}: speaking the modern era ({}, stateless)", config.name(), ProtocolVersions.MODERN);
            deliver(new Decoded.Ok(ModernProtocol.asInitializeResult(initialize.id(), answer)));
            return;
        }
        JsonRpcError refused = answer == null ? null : answer.error();
        if (config.protocolEra() == ProtocolEra.MODERN) {
            failRequest(initialize, "protocol_era is modern but " + exchange.url() + " does not offer "
                    + ProtocolVersions.MODERN + " in answer to server/discover" + (answer == null ? " (no usable answer)"
                    : refused != null ? " (error " + refused.code() + ": " + refused.message() + ")" : ""));
            return;
        }
        log.debug("upstream {}: no stateless era offered; initializing a session", config.name());
        LegacyHttpEra session = sessionEra();
        era = session;
        session.sendNow(initialize);
    }

    /** The probe, whose answer the wire itself needs: the response (result as a tree), or null if none came. */
    private @Nullable Response probe(Request request) {
        @Nullable Response[] answer = new Response[1];
        try {
            HttpExchange.Outcome outcome = exchange.run(exchange.post(codec.encode(request), ModernProtocol.headers(request)),
                    connectTimeout, request, decoded -> {
                        if (decoded instanceof Decoded.Ok(Response r) && JsonRpcIds.same(request.id(), r.id())) {
                            answer[0] = r;
                        }
                    });
            if (outcome instanceof HttpExchange.Outcome.Refused refused) {
                answer[0] = refused.error();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        Response got = answer[0];
        if (got != null && got.result() != null) {
            return Response.success(got.id(), codec.materialize(got.successResult()));
        }
        return got;
    }

    @Override
    protected void deliver(Decoded decoded) {
        HttpEra chosen = era;
        if (chosen != null && decoded instanceof Decoded.Ok(Response response)) {
            chosen.answered(response);
        }
        super.deliver(decoded);
    }

    @Override
    public String describeEnd(@Nullable Throwable cause) {
        return "stopped answering at " + exchange.url() + (cause == null ? "" : " (" + cause.getMessage() + ")");
    }

    @Override
    protected void end(@Nullable Throwable cause) {
        open = false;
        HttpEra chosen = era;
        if (chosen != null) {
            chosen.close();
        }
        super.end(cause);
    }

    @Override
    public void shutdown(Duration grace) {
        open = false;
        HttpEra chosen = era;
        if (chosen != null) {
            chosen.shutdown(grace);
        }
        stopClient();
        super.end(null);
    }
}
