package io.gatekit.routing;

/** The paginated list methods the gateway aggregates across upstreams. */
enum ListKind {
    TOOLS("tools/list", "tools", "tools", "name"),
    PROMPTS("prompts/list", "prompts", "prompts", "name"),
    RESOURCES("resources/list", "resources", "resources", null),
    RESOURCE_TEMPLATES("resources/templates/list", "resourceTemplates", "resources", null);

    final String method;
    final String resultKey;
    final String capability;
    /** The member that gets the {@code upstream__} prefix, or null when items keep their identity (URIs). */
    final String qualifiedMember;

    ListKind(String method, String resultKey, String capability, String qualifiedMember) {
        this.method = method;
        this.resultKey = resultKey;
        this.capability = capability;
        this.qualifiedMember = qualifiedMember;
    }

    static ListKind forMethod(String method) {
        for (ListKind kind : values()) {
            if (kind.method.equals(method)) {
                return kind;
            }
        }
        return null;
    }
}
