package io.gatekit.session;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The notifications a 2026-07-28 client asked for on a {@code subscriptions/listen} stream (its
 * {@code params.notifications}), or the subset the gateway honours (what the acknowledgement names). Every type
 * is opt-in: a client hears nothing it did not ask for.
 *
 * @param resourceSubscriptions resource URIs as the client named them (normally {@code upstream__uri}), no duplicates
 */
public record SubscriptionFilter(boolean toolsListChanged, boolean promptsListChanged, boolean resourcesListChanged,
        List<String> resourceSubscriptions) {

    /** Asks for nothing: what every client has until it listens. */
    public static final SubscriptionFilter NONE = new SubscriptionFilter(false, false, false, List.of());

    public SubscriptionFilter {
        resourceSubscriptions = List.copyOf(resourceSubscriptions);
    }

    /**
     * Reads a listen request's {@code notifications} member. Throws -32602 when it is missing or not an object,
     * a flag is not a boolean, or {@code resourceSubscriptions} is not an array of strings; unknown members are
     * ignored (a later revision may add types, which this gateway then simply does not honour).
     */
    public static SubscriptionFilter parse(JsonNode notifications) {
        if (!(notifications instanceof ObjectNode object)) {
            throw invalid("\"notifications\" must be an object naming the notification types to receive, got "
                    + (notifications == null ? "nothing" : notifications.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        Set<String> uris = new LinkedHashSet<>();
        JsonNode list = object.get("resourceSubscriptions");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw invalid("\"notifications.resourceSubscriptions\" must be an array of resource URIs");
            }
            for (JsonNode uri : list) {
                if (!uri.isString()) {
                    throw invalid("\"notifications.resourceSubscriptions\" must contain only strings, got " + uri);
                }
                uris.add(uri.stringValue());
            }
        }
        return new SubscriptionFilter(flag(object, "toolsListChanged"), flag(object, "promptsListChanged"),
                flag(object, "resourcesListChanged"), List.copyOf(uris));
    }

    private static boolean flag(ObjectNode object, String name) {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw invalid("\"notifications." + name + "\" must be a boolean, got " + value);
        }
        return value.booleanValue();
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.INVALID_PARAMS, "Invalid subscriptions/listen params: " + message);
    }

    /** Whether a {@code notifications/<kind>/list_changed} of this method is wanted. */
    public boolean wantsListChanged(String method) {
        return switch (method) {
            case "notifications/tools/list_changed" -> toolsListChanged;
            case "notifications/prompts/list_changed" -> promptsListChanged;
            case "notifications/resources/list_changed" -> resourcesListChanged;
            default -> false;
        };
    }

    /** The wire form: only the types asked for (a flag that is false is left out, as clients send it). */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        if (toolsListChanged) {
            json.put("toolsListChanged", true);
        }
        if (promptsListChanged) {
            json.put("promptsListChanged", true);
        }
        if (resourcesListChanged) {
            json.put("resourcesListChanged", true);
        }
        if (!resourceSubscriptions.isEmpty()) {
            resourceSubscriptions.forEach(json.putArray("resourceSubscriptions")::add);
        }
        return json;
    }
}
