package io.gatekit.plugins;

/** What a message's pipeline came to, as audit records name it. */
public enum PipelineOutcome {
    /** Security plugins ran and let it pass unchanged. */
    ALLOWED,
    /** A plugin changed it (security redaction or middleware shaping). */
    MODIFIED,
    /** A security plugin stopped it. */
    BLOCKED,
    /** A plugin answered the request itself. */
    COMPLETED_BY_MIDDLEWARE,
    /** A critical plugin failed; the message was failed closed. */
    ERROR,
    /** No security plugin looked at it (it still passed). */
    NO_SECURITY_EVALUATION
}
