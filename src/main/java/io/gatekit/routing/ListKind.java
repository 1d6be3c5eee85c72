package io.gatekit.routing;

import org.jspecify.annotations.Nullable;

/** The paginated list methods the gateway aggregates across upstreams. */
enum ListKind {
    TOOLS("tools/list", "tools", "tools", "name"),
    PROMPTS("prompts/list", "prompts", "prompts", "name"),
    RESOURCES("resources/list", "resources", "resources", "uri"),
    RESOURCE_TEMPLATES("resources/templates/list", "resourceTemplates", "resources", "uriTemplate");

    final String method;
    final String resultKey;
    final String capability;
    /** The member that gets the {@code upstream__} prefix. */
    final String qualifiedMember;

    ListKind(String method, String resultKey, String capability, String qualifiedMember) {
        this.method = method;
        this.resultKey = resultKey;
        this.capability = capability;
        this.qualifiedMember = qualifiedMember;
    }

    /** The list that an upstream's {@code notifications/<x>/list_changed} invalidates, or null. */
    static @Nullable ListKind forListChanged(String method) {
        return switch (method) {
            case "notifications/tools/list_changed" -> TOOLS;
            case "notifications/prompts/list_changed" -> PROMPTS;
            case "notifications/resources/list_changed" -> RESOURCES;
            default -> null;
        };
    }

    static @Nullable ListKind forMethod(String method) {
        for (ListKind kind : values()) {
            if (kind.method.equals(method)) {
                return kind;
            }
        }
        return null;
    }
}
