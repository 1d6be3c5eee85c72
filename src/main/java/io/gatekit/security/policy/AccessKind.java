package io.gatekit.security.policy;

/** What a policy decision is about: a tool, a prompt, or a resource (a URI or a URI template). */
public enum AccessKind {
    TOOL("tool"),
    PROMPT("prompt"),
    RESOURCE("resource");

    private final String noun;

    AccessKind(String noun) {
        this.noun = noun;
    }

    /** How error messages name the kind. */
    public String noun() {
        return noun;
    }
}
