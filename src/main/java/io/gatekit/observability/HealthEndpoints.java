package io.gatekit.observability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /metrics} (Prometheus text), {@code /healthz} (200 while the process serves) and {@code /readyz} (200 when
 * an upstream is ready, else 503; a JSON body of upstream states), in front of another handler (the MCP endpoint)
 * or alone (the admin listener of a stdio gateway, where any other path is 404). With a {@link Guard} (the HTTP face
 * with {@code protect_metrics}), {@code /metrics} needs a credential the guard accepts, and {@code /readyz} gives a
 * request without one its status and {@code ready} only: orchestrator probes keep working, upstream names stay
 * hidden. {@code /healthz} is always open.
 */
public final class HealthEndpoints extends Handler.Wrapper {

    /** Who may read what the endpoints reveal: the face's own authentication. */
    @FunctionalInterface
    public interface Guard {
        /** Null when {@code request} carries an accepted credential; otherwise the refusal to send for it. */
        @Nullable Refusal check(Request request);
    }

    /** A refusal (401 with a challenge, 403, 503) to write. */
    @FunctionalInterface
    public interface Refusal {
        void send(Response response, Callback callback);
    }

    public static final String METRICS = "/metrics";
    public static final String HEALTHZ = "/healthz";
    public static final String READYZ = "/readyz";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Observability observability;
    private final @Nullable Guard guard;

    /** @param next what serves every other path; null answers them 404 */
    public HealthEndpoints(Observability observability, @Nullable Handler next) {
        this(observability, next, null);
    }

    /** @param guard who may read metrics and upstream states; null: anyone who reaches the port */
    public HealthEndpoints(Observability observability, @Nullable Handler next, @Nullable Guard guard) {
        super(next);
        this.observability = observability;
        this.guard = guard;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        boolean ours = path.equals(METRICS) || path.equals(HEALTHZ) || path.equals(READYZ);
        if (!ours) {
            Handler next = getHandler();
            if (next != null) {
                return next.handle(request, response, callback);
            }
            send(response, callback, 404, "text/plain", "Not found\n".getBytes(StandardCharsets.UTF_8));
            return true;
        }
        if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            send(response, callback, 405, "text/plain", "Method not allowed\n".getBytes(StandardCharsets.UTF_8));
            return true;
        }
        if (path.equals(HEALTHZ)) {
            send(response, callback, 200, "application/json", "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8));
            return true;
        }
        Refusal refusal = guard == null ? null : guard.check(request);
        if (path.equals(METRICS)) {
            if (refusal != null) {
                refusal.send(response, callback);
            } else {
                send(response, callback, 200, observability.metricsContentType(), metrics());
            }
            return true;
        }
        var readiness = observability.readiness(refusal == null);
        send(response, callback, readiness.path("ready").asBoolean() ? 200 : 503, "application/json",
                JSON.writeValueAsBytes(readiness));
        return true;
    }

    private byte[] metrics() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        observability.writeMetrics(out);
        return out.toByteArray();
    }

    private static void send(Response response, Callback callback, int status, String type, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
