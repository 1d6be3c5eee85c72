package io.gatekit.faces.stdio;

import io.gatekit.Gateway;
import io.gatekit.routing.ClientDispatcher;
import io.gatekit.session.ClientSession;
import io.gatekit.session.Principal;
import io.gatekit.transport.MessageConnection;
import io.gatekit.transport.SlowReaderLimit;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The gateway as an MCP server on a pair of byte streams with newline-delimited JSON-RPC: standard input and
 * output when a desktop client launches it, a loopback socket in tests. One client per stream pair.
 */
public final class StdioFace {
    private StdioFace() {}

    /**
     * Connects a client speaking newline-delimited JSON-RPC on {@code in} and {@code out}; {@code onDisconnect}
     * runs when its input has ended and its last requests were answered or cancelled, or when it stopped reading.
     */
    public static ClientSession connect(Gateway gateway, String name, InputStream in, OutputStream out, Runnable onDisconnect) {
        return connect(gateway, name, in, out, SlowReaderLimit.forClient(gateway.config().proxy().limits().maxMessageBytes()),
                onDisconnect);
    }

    /**
     * The same with a given bound on a client that stops reading: past {@code limit} it is dropped (a log line),
     * its requests in flight are cancelled, upstream too, and {@code onDisconnect} runs.
     */
    public static ClientSession connect(Gateway gateway, String name, InputStream in, OutputStream out,
            SlowReaderLimit limit, Runnable onDisconnect) {
        AtomicReference<@Nullable ClientSession> session = new AtomicReference<>();
        AtomicBoolean disconnected = new AtomicBoolean();
        AtomicReference<@Nullable Runnable> disconnect = new AtomicReference<>();
        MessageConnection connection = new MessageConnection("client-" + name, in, out, gateway.codec(),
                gateway.config().proxy().limits().maxMessageBytes(), limit,
                // On a thread of its own: the writer that noticed may be any thread, an upstream's reader included.
                () -> Thread.ofVirtual().name("gatekit-drop-" + name).start(() -> {
                    ClientSession dropped = session.get();
                    if (dropped != null) {
                        dropped.close();
                    }
                    Runnable end = disconnect.get();
                    if (end != null) {
                        end.run();
                    }
                }));
        Runnable end = () -> {
            if (disconnected.compareAndSet(false, true)) {
                gateway.forget(connection);
                connection.close();
                onDisconnect.run();
            }
        };
        disconnect.set(end);
        Gateway.ClientEndpoint endpoint = gateway.open(name, connection::send, ClientDispatcher.STREAM_DRAIN_GRACE, end);
        session.set(endpoint.session());
        gateway.closeWithGateway(connection);
        // A stdio gateway serves the one local user who started it; the file may say who that is.
        gateway.config().proxy().stdioPrincipal().ifPresent(who ->
                endpoint.session().authenticated(new Principal(who.subject(), who.claims())));
        connection.start(endpoint.handler());
        return endpoint.session();
    }
}
