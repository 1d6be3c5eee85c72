package io.gatekit.plugins;

import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;

/**
 * A plugin that sees each message on its way and decides about it: the requests a client sends, the responses
 * that answer them, and notifications in both directions. Names are clean (the upstream's own, without the
 * {@code upstream__} prefix). Messages are shared trees: a plugin must never change one in place; to modify, it
 * returns a changed copy in {@link PluginDecision.Modify}.
 *
 * <p>A {@link SecurityPlugin} must decide every time ({@link PluginDecision.Allow}, {@link PluginDecision.Block} or
 * a redacting {@link PluginDecision.Modify}); a {@link MiddlewarePlugin} must not allow or block (it passes,
 * modifies or completes). The pipeline treats a breach of that contract as the plugin failing.
 */
public sealed interface FilterPlugin extends Plugin permits SecurityPlugin, MiddlewarePlugin {

    /** A client's request on its way to an upstream (or to the gateway's own methods). */
    PluginDecision onRequest(Request request, PluginContext context);

    /** The answer to {@code request} on its way back to the client. */
    PluginDecision onResponse(Request request, Response response, PluginContext context);

    /** A notification, either way ({@link PluginContext#direction()}). */
    PluginDecision onNotification(Notification notification, PluginContext context);
}
