package io.gatekit.plugins;

import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;

/** A filter that decides whether messages may pass: each stage allows, blocks or redacts (allowing the copy). */
public non-sealed interface SecurityPlugin extends FilterPlugin {

    @Override
    default PluginDecision onRequest(Request request, PluginContext context) {
        return PluginDecision.allow();
    }

    @Override
    default PluginDecision onResponse(Request request, Response response, PluginContext context) {
        return PluginDecision.allow();
    }

    @Override
    default PluginDecision onNotification(Notification notification, PluginContext context) {
        return PluginDecision.allow();
    }
}
