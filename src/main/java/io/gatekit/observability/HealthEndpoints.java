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
 * or alone (the admin listener of a stdio gateway, where any other path is 404).
 */
public final class HealthEndpoints extends Handler.Wrapper {
    public static final String METRICS = "/metrics";
    public static final String HEALTHZ = "/healthz";
    public static final String READYZ = "/readyz";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Observability observability;

    /** @param next what serves every other path; null answers them 404 */
    public HealthEndpoints(Observability observability, @Nullable Handler next) {
        super(next);
        this.observability = observability;
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
        switch (path) {
            case METRICS -> send(response, callback, 200, observability.metricsContentType(), metrics());
            case HEALTHZ -> send(response, callback, 200, "application/json", "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8));
            default -> {
                var readiness = observability.readiness();
                send(response, callback, readiness.path("ready").asBoolean() ? 200 : 503, "application/json",
                        JSON.writeValueAsBytes(readiness));
            }
        }
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
