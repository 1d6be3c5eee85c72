package io.gatekit.config;

import java.util.Objects;
import java.util.Optional;

/**
 * One thing wrong with a configuration file, and where it is.
 *
 * @param suggestion the key or name the author most likely meant, when a misspelling is close to one (the message
 *     says so too); for tools that offer the fix
 */
public record ConfigProblem(SourceLocation location, String message, Optional<String> suggestion) {

    public ConfigProblem {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(suggestion, "suggestion");
    }

    /** A problem with no suggested fix. */
    public ConfigProblem(SourceLocation location, String message) {
        this(location, message, Optional.empty());
    }

    /** {@code <file>:<line>:<col>: <field>: <message>}; the field part is left out for whole-document problems. */
    @Override
    public String toString() {
        String field = location.field();
        return location.position() + ": " + (field.isEmpty() ? "" : field + ": ") + message;
    }
}
