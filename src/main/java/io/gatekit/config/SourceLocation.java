package io.gatekit.config;

import java.util.Objects;

/**
 * Where a configuration value came from: file name, 1-based line and column, and the dotted field path
 * (e.g. {@code proxy.upstreams[0].command}). Line and column are 0 when the position is unknown (a file
 * that could not be read); the field is empty for the document as a whole.
 */
public record SourceLocation(String file, int line, int column, String field) {

    public SourceLocation {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(field, "field");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must be >= 0, got " + line + ":" + column);
        }
    }

    /** {@code file:line:column} as editors and terminals link it, without the field. */
    public String position() {
        return line == 0 ? file : file + ":" + line + ":" + column;
    }

    /** {@code file:line:column (field)}. */
    @Override
    public String toString() {
        return field.isEmpty() ? position() : position() + " (" + field + ")";
    }
}
