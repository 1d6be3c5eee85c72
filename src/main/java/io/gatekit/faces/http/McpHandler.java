package io.gatekit.faces.http;

import io.gatekit.jsonrpc.McpHeaders;
import io.gatekit.Gateway;
import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.observability.HealthEndpoints;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.security.auth.AuthResult;
import io.gatekit.security.auth.Authenticator;
import io.gatekit.security.auth.ProtectedResourceMetadata;
import io.gatekit.session.Principal;
import java.nio.ByteBuffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP endpoint's front door: what every request must pass whatever its era (the path, {@code Host} and
 * {@code Origin}, who is calling ({@link Authenticator}, once per request, before any session is looked up), the
 * HTTP method, a POST's content type, {@code Accept} and size, a body that decodes, an {@code Mcp-Method} that
 * agrees with it), then hands the message and its caller to its era: {@link ModernEndpoint} for a POST
 * without a session whose {@code _meta} names a version, {@link LegacyEndpoint} for everything else. Runs on
 * virtual threads and blocks freely; every wait is bounded by the keep-alive interval, the write timeout or the
 * request timeout.
 */
final class McpHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(McpHandler.class);
    /** Where an API key may travel instead of {@code Authorization: Bearer}. */
    static final String API_KEY_HEADER = "X-API-Key";

    private final JsonRpcCodec codec;
    private final HttpReplies replies;
    private final OriginPolicy origins;
    private final Authenticator authenticator;
    private final String path;
    private final int maxMessageBytes;
    private final LegacyEndpoint legacy;
    private final ModernEndpoint modern;

    McpHandler(Gateway gateway, SessionRegistry registry, SessionRelay relay, OriginPolicy origins, Authenticator authenticator,
            String path,
            Duration keepAlive) {
        this.codec = gateway.codec();
        this.replies = new HttpReplies(codec);
        this.origins = origins;
        this.authenticator = authenticator;
        this.path = path;
        this.maxMessageBytes = gateway.config().proxy().limits().maxMessageBytes();
        StreamTimings timings = StreamTimings.of(keepAlive, () -> gateway.config().proxy().timeouts().request());
        this.legacy = new LegacyEndpoint(gateway, registry, replies, timings, relay);
        // A stateless request is a one-request client: the session cap bounds how many run at once, too.
        this.modern = new ModernEndpoint(gateway, replies, timings, registry.maxSessions());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String requested = Request.getPathInContext(request);
        ProtectedResourceMetadata metadata = authenticator.metadata().orElse(null);
        if (metadata != null && metadata.servedAt(requested)) {
            metadata(metadata, request, response, callback);
            return true;
        }
        if (!path.equals(requested)) {
            // A clean 404 (also for OAuth discovery probes such as /.well-known/oauth-protected-resource when no
            // authorization server is configured): clients then go ahead without OAuth.
            replies.error(response, callback, 404, null, ErrorCode.INVALID_REQUEST,
                    "Not found: the MCP endpoint is " + path);
            return true;
        }
        String refusal = origins.refusal(request.getHeaders().get(HttpHeader.HOST), request.getHeaders().get(HttpHeader.ORIGIN));
        if (refusal != null) {
            log.warn("refused {} {}: {}", request.getMethod(), path, refusal);
            replies.error(response, callback, 403, null, ErrorCode.INVALID_REQUEST, refusal);
            return true;
        }
        AuthResult auth = authenticator.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION),
                request.getHeaders().get(API_KEY_HEADER));
        if (auth instanceof AuthResult.Refused refused) {
            refuse(refused, metadata, request, response, callback);
            return true;
        }
        Principal caller = ((AuthResult.Admitted) auth).principal();
        try {
            switch (request.getMethod()) {
                case "POST" -> post(caller, request, response, callback);
                case "GET" -> get(caller, request, response, callback);
                case "DELETE" -> legacy.delete(caller, request, response, callback);
                default -> {
                    response.getHeaders().put(HttpHeader.ALLOW, "GET, POST, DELETE");
                    replies.error(response, callback, 405, null, ErrorCode.INVALID_REQUEST,
                            "Method " + request.getMethod() + " is not allowed on the MCP endpoint; use POST, GET or DELETE");
                }
            }
        } catch (org.eclipse.jetty.io.EofException gone) {
            // The client closed the connection mid-request (or SlowClientGuard closed it): nobody to answer.
            log.debug("{} {}: the connection ended early: {}", request.getMethod(), path, gone.toString());
            callback.failed(gone);
        } catch (Exception e) {
            log.warn("{} {} failed: {}", request.getMethod(), path, e.toString());
            if (!response.isCommitted()) {
                replies.error(response, callback, 500, null, ErrorCode.INTERNAL_ERROR, "Internal error: " + e.getMessage());
            } else {
                callback.failed(e);
            }
        }
        return true;
    }

    /**
     * The face's authentication for the health endpoints in front of it ({@code protect_metrics}): the same credentials
     * and refusals (401 with the challenge naming the metadata, 403, 503) as the MCP endpoint.
     */
    HealthEndpoints.Guard healthGuard() {
        return request -> {
            AuthResult auth = authenticator.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION),
                    request.getHeaders().get(API_KEY_HEADER));
            if (auth instanceof AuthResult.Refused refused) {
                return (response, callback) -> refuse(refused, authenticator.metadata().orElse(null), request, response,
                        callback);
            }
            return null;
        };
    }

    /** The RFC 9728 document: public (no credential needed to learn where to get one), readable cross-origin. */
    private void metadata(ProtectedResourceMetadata metadata, Request request, Response response, Callback callback) {
        if (!request.getMethod().equals("GET")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET");
            replies.error(response, callback, 405, null, ErrorCode.INVALID_REQUEST,
                    "Method " + request.getMethod() + " is not allowed on the protected resource metadata; use GET");
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "max-age=3600");
        response.write(true, ByteBuffer.wrap(metadata.document()), callback);
    }

    /** 401 or 403 with the challenge that tells the client what to present, and where to learn how to get it. */
    private void refuse(AuthResult.Refused refused, @Nullable ProtectedResourceMetadata metadata, Request request,
            Response response, Callback callback) {
        if (refused.status() == 503) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
            replies.error(response, callback, 503, null, ErrorCode.UPSTREAM_UNAVAILABLE,
                    "Service Unavailable: " + refused.description());
            return;
        }
        String origin = (request.isSecure() ? "https://" : "http://") + request.getHeaders().get(HttpHeader.HOST);
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, refused.challenge(metadata == null ? "" : metadata.url(origin)));
        if (!refused.error().isEmpty()) {
            log.info("refused {} {} with {}: {}", request.getMethod(), path, refused.status(), refused.description());
        }
        String message = refused.status() == 403 ? "Forbidden: " + refused.description()
                : "Unauthorized: " + refused.description();
        replies.error(response, callback, refused.status(), null, ErrorCode.INVALID_REQUEST, message);
    }

    /** The face is stopping: see {@link ModernEndpoint#endListenStreams}. */
    void endListenStreams(Duration grace) {
        modern.endListenStreams(grace);
    }

    /** POST: one client message, checked here, then answered by its era. */
    private void post(Principal caller, Request request, Response response, Callback callback)
            throws IOException, InterruptedException {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (contentType == null || !mediaType(contentType).equals("application/json")) {
            replies.error(response, callback, 415, null, ErrorCode.INVALID_REQUEST,
                    "Unsupported Content-Type " + (contentType == null ? "(none)" : "'" + contentType + "'")
                            + "; POST one JSON-RPC message as application/json");
            return;
        }
        if (!accepts(request, "application/json") || !accepts(request, "text/event-stream")) {
            replies.error(response, callback, 406, null, ErrorCode.INVALID_REQUEST,
                    "Not Acceptable: the Accept header must list application/json and text/event-stream");
            return;
        }
        byte[] body = readBounded(request);
        if (body == null) {
            replies.error(response, callback, 413, null, ErrorCode.INVALID_REQUEST, "Message exceeds the limit of "
                    + maxMessageBytes + " bytes (proxy.limits.max_message_bytes)");
            return;
        }
        Decoded decoded = codec.decode(body);
        if (decoded instanceof Decoded.Invalid invalid) {
            replies.json(response, callback, 400, JsonRpcMessage.Response.failure(invalid.id(), invalid.error()));
            return;
        }
        JsonRpcMessage message = ((Decoded.Ok) decoded).message();
        String methodHeader = request.getHeaders().get(McpHeaders.METHOD);
        String bodyMethod = ModernEra.methodOf(message);
        if (methodHeader != null && bodyMethod != null && !ModernEra.headerValue(methodHeader).equals(bodyMethod)) {
            replies.json(response, callback, 400, JsonRpcMessage.Response.failure(HttpReplies.idOf(message), ModernEra.mismatch(
                    "Mcp-Method is '" + methodHeader + "' but the body's method is '" + bodyMethod + "'")));
            return;
        }
        String modernVersion = request.getHeaders().get(McpHeaders.SESSION_ID) == null
                ? ModernEra.requestedVersion(message) : null;
        if (modernVersion != null && !"initialize".equals(bodyMethod)) {
            modern.post(modernVersion, message, decoded, caller, request, response, callback);
        } else {
            legacy.post(message, decoded, caller, request, response, callback);
        }
    }

    /** GET: only the legacy era has a stream to open. */
    private void get(Principal caller, Request request, Response response, Callback callback) throws InterruptedException {
        if (!accepts(request, "text/event-stream")) {
            replies.error(response, callback, 406, null, ErrorCode.INVALID_REQUEST,
                    "Not Acceptable: a GET on the MCP endpoint opens an event stream; Accept must list text/event-stream");
            return;
        }
        legacy.get(caller, request, response, callback);
    }

    /** The body, or null when it is larger than the message limit. */
    private byte @Nullable [] readBounded(Request request) throws IOException {
        long declared = request.getLength();
        if (declared > maxMessageBytes) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
        try (InputStream in = Request.asInputStream(request)) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (out.size() + n > maxMessageBytes) {
                    return null;
                }
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }

    private static boolean accepts(Request request, String type) {
        List<String> values = request.getHeaders().getValuesList(HttpHeader.ACCEPT);
        String family = type.substring(0, type.indexOf('/')) + "/*";
        for (String value : values) {
            for (String item : value.split(",", -1)) {
                String media = mediaType(item);
                if (media.equals(type) || media.equals("*/*") || media.equals(family)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String mediaType(String header) {
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
