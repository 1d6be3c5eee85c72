package io.gatekit.plugins;

import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;

/** A filter that shapes messages: passes them, modifies them, or answers a request itself; never blocks. */
public non-sealed interface MiddlewarePlugin extends FilterPlugin {

    @Override
    default PluginDecision onRequest(Request request, PluginContext context) {
        return PluginDecision.pass();
    }

    @Override
    default PluginDecision onResponse(Request request, Response response, PluginContext context) {
        return PluginDecision.pass();
    }

    @Override
    default PluginDecision onNotification(Notification notification, PluginContext context) {
        return PluginDecision.pass();
    }
}
