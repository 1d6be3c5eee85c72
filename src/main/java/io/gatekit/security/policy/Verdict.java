package io.gatekit.security.policy;

/**
 * What the policy decided about one item for one caller, and what decided it: a rule's name, or {@code default}.
 */
public record Verdict(boolean allowed, String decidedBy) {
    static final Verdict NO_POLICY = new Verdict(true, "no policy");

    /** As audit records write it: {@code allow (rule readers)}, {@code deny (default)}. */
    public String describe() {
        return (allowed ? "allow" : "deny") + " (" + decidedBy + ")";
    }
}
