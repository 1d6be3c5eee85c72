package io.gatekit.security;

import tools.jackson.databind.JsonNode;

/** What a security filter does with a message in which it found something ({@code action:} in its config). */
enum Action {
    /** The message does not pass. */
    BLOCK,
    /** What was found is replaced by a placeholder and the copy passes (the default). */
    REDACT,
    /** The message passes unchanged; the reason says what was found. */
    AUDIT_ONLY;

    /** The entry's {@code action}, {@code redact} when it names none. */
    static Action of(JsonNode options) {
        String name = options.path("action").asString("redact");
        return switch (name) {
            case "block" -> BLOCK;
            case "redact" -> REDACT;
            case "audit_only" -> AUDIT_ONLY;
            default -> throw new IllegalArgumentException("action must be block, redact or audit_only, not '" + name + "'");
        };
    }
}
