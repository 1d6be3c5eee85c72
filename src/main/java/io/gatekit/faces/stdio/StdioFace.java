package io.gatekit.faces.stdio;

import io.gatekit.Gateway;
import io.gatekit.routing.ClientDispatcher;
import io.gatekit.session.ClientSession;
import io.gatekit.session.Principal;
import io.gatekit.transport.MessageConnection;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The gateway as an MCP server on a pair of byte streams with newline-delimited JSON-RPC: standard input and
 * output when a desktop client launches it, a loopback socket in tests. One client per stream pair.
 */
public final class StdioFace {
    private StdioFace() {}

    /**
     * Connects a client speaking newline-delimited JSON-RPC on {@code in} and {@code out}; {@code onDisconnect}
     * runs when its input has ended and its last requests were answered or cancelled.
     */
    public static ClientSession connect(Gateway gateway, String name, InputStream in, OutputStream out, Runnable onDisconnect) {
        MessageConnection connection = new MessageConnection("client-" + name, in, out, gateway.codec(),
                gateway.config().proxy().limits().maxMessageBytes());
        Gateway.ClientEndpoint endpoint = gateway.open(name, connection::send, ClientDispatcher.STREAM_DRAIN_GRACE, () -> {
            gateway.forget(connection);
            connection.close();
            onDisconnect.run();
        });
        gateway.closeWithGateway(connection);
        // A stdio gateway serves the one local user who started it; the file may say who that is.
        gateway.config().proxy().stdioPrincipal().ifPresent(who ->
                endpoint.session().authenticated(new Principal(who.subject(), who.claims())));
        connection.start(endpoint.handler());
        return endpoint.session();
    }
}
