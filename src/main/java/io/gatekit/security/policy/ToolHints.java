package io.gatekit.security.policy;

/**
 * Where a call's tool is looked up for its {@code readOnlyHint}: the merged tool list, the same one clients are
 * shown, so a tool counts as read-only for a call exactly when it does in the list.
 */
@FunctionalInterface
public interface ToolHints {
    /**
     * Whether {@code upstream}'s tool {@code name} (as listed) is annotated {@code readOnlyHint: true}; false for a
     * tool the list does not have. May wait for the list, until {@code deadlineNanos}.
     */
    boolean readOnly(String upstream, String name, long deadlineNanos);
}
