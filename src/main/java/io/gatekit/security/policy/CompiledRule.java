package io.gatekit.security.policy;

import io.gatekit.config.PolicyEffect;
import io.gatekit.config.PolicyRule;
import java.util.function.BooleanSupplier;

/** A policy rule with its patterns compiled: whom it applies to, and which items it names. */
final class CompiledRule {
    private final String name;
    private final boolean allows;
    private final boolean everyone;
    private final Glob subjects;
    private final Glob groups;
    private final Glob scopes;
    private final Glob upstreams;
    private final Glob tools;
    private final Glob prompts;
    private final Glob resources;
    private final boolean readOnlyTools;

    CompiledRule(PolicyRule rule) {
        this.name = rule.name();
        this.allows = rule.effect() == PolicyEffect.ALLOW;
        this.everyone = rule.appliesToEveryone();
        this.subjects = Glob.of(rule.subjects());
        this.groups = Glob.of(rule.groups());
        this.scopes = Glob.of(rule.scopes());
        this.upstreams = Glob.of(rule.upstreams());
        this.tools = Glob.of(rule.tools());
        this.prompts = Glob.of(rule.prompts());
        this.resources = Glob.of(rule.resources());
        this.readOnlyTools = rule.readOnlyTools();
    }

    String name() {
        return name;
    }

    boolean allows() {
        return allows;
    }

    /** Whether the rule is about {@code caller}: it names no one, or the caller's subject, a group or a scope. */
    boolean appliesTo(Caller caller) {
        if (everyone) {
            return true;
        }
        return !caller.anonymous() && (subjects.matches(caller.subject()) || groups.matchesAny(caller.groups())
                || scopes.matchesAny(caller.scopes()));
    }

    /**
     * Whether the rule names the item: its upstream, or its qualified name among the kind's patterns. A rule limited
     * to read-only tools names no tool that lacks {@code readOnlyHint: true} ({@code readOnly} is asked only then).
     */
    boolean names(AccessKind kind, String upstream, String qualified, BooleanSupplier readOnly) {
        Glob ofKind = switch (kind) {
            case TOOL -> tools;
            case PROMPT -> prompts;
            case RESOURCE -> resources;
        };
        if (!upstreams.matches(upstream) && !ofKind.matches(qualified)) {
            return false;
        }
        return kind != AccessKind.TOOL || !readOnlyTools || readOnly.getAsBoolean();
    }

    boolean limitedToReadOnlyTools() {
        return readOnlyTools;
    }
}
