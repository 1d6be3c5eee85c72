package io.gatekit.security.policy;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The policy for one caller: the one decision function that both filters the merged lists and authorises calls,
 * so a caller can call exactly what it can list. The first rule that names the item decides; the default decides
 * the rest. Immutable.
 */
public final class CallerPolicy {
    static final CallerPolicy UNRESTRICTED = new CallerPolicy(List.of(), true, false);

    private final List<CompiledRule> rules;
    private final boolean defaultAllows;
    private final boolean configured;
    private final boolean readsHints;

    CallerPolicy(List<CompiledRule> rules, boolean defaultAllows) {
        this(rules, defaultAllows, true);
    }

    private CallerPolicy(List<CompiledRule> rules, boolean defaultAllows, boolean configured) {
        this.rules = List.copyOf(rules);
        this.defaultAllows = defaultAllows;
        this.configured = configured;
        this.readsHints = rules.stream().anyMatch(CompiledRule::limitedToReadOnlyTools);
    }

    /** Whether everything is allowed whatever it is (no policy): callers may skip deciding item by item. */
    public boolean isUnrestricted() {
        return !configured;
    }

    /** Whether a decision about a tool may need its {@code readOnlyHint} (a rule about this caller is limited to them). */
    public boolean readsReadOnlyHints() {
        return readsHints;
    }

    /**
     * Whether this caller may see and use an item.
     *
     * @param upstream the upstream's configured name
     * @param name the item's name (a resource's URI or URI template) in the upstream's own terms, as listed
     * @param readOnly whether the tool is annotated {@code readOnlyHint: true}; asked only when a rule needs it
     */
    public Verdict decide(AccessKind kind, String upstream, String name, BooleanSupplier readOnly) {
        if (!configured) {
            return Verdict.NO_POLICY;
        }
        String qualified = upstream + "__" + name;
        for (CompiledRule rule : rules) {
            if (rule.names(kind, upstream, qualified, readOnly)) {
                return new Verdict(rule.allows(), "rule " + rule.name());
            }
        }
        return new Verdict(defaultAllows, "default");
    }
}
