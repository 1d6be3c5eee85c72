package io.gatekit.bench;

import io.gatekit.config.HttpConfig;
import io.gatekit.faces.http.HttpFace;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * {@link RpcWork} on Jetty 12 core: one {@code Handler.Abstract} (blocking, so Jetty runs it on the pool's
 * virtual-thread executor) in the very server set-up the gateway's HTTP face uses ({@link HttpFace#jettyServer}),
 * or in a variant of it named by {@link JettySetup}'s system property.
 */
final class JettyBenchServer implements BenchServer {
    private final Server server;

    JettyBenchServer(String host, String path, RpcWork work) throws Exception {
        server = JettySetup.build(new HttpConfig(host, 0, path), new Endpoint(path, work));
        server.start();
    }

    @Override
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("jetty: stop failed: " + e);
        }
    }

    /** POST {@code path}: the body in, {@link RpcWork}'s answer out as application/json; anything else 404. */
    private static final class Endpoint extends Handler.Abstract {
        private final String path;
        private final RpcWork work;

        Endpoint(String path, RpcWork work) {
            this.path = path;
            this.work = work;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (!"POST".equals(request.getMethod()) || !path.equals(Request.getPathInContext(request))) {
                Response.writeError(request, response, callback, 404);
                return true;
            }
            byte[] body;
            try (InputStream in = Request.asInputStream(request)) {
                body = in.readAllBytes();
            }
            byte[] answer = work.answer(body);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(answer), callback);
            return true;
        }
    }
}
