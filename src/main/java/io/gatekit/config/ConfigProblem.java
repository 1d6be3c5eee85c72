package io.gatekit.config;

import java.util.Objects;

/** One thing wrong with a configuration file, and where it is. */
public record ConfigProblem(SourceLocation location, String message) {

    public ConfigProblem {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(message, "message");
    }

    /** {@code <file>:<line>:<col>: <field>: <message>}; the field part is left out for whole-document problems. */
    @Override
    public String toString() {
        String field = location.field();
        return location.position() + ": " + (field.isEmpty() ? "" : field + ": ") + message;
    }
}
