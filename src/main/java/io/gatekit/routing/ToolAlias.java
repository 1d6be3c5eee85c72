package io.gatekit.routing;

/**
 * A tool the gateway lists under an alias rather than as {@code upstream__name}: the upstream, the tool's own
 * name there, the name clients see, and why (ADR 0015).
 */
public record ToolAlias(String upstream, String original, String alias, ToolNames.Reason reason) {}
