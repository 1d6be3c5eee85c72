package io.gatekit.config;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A position in the config tree as a list of property names and array indexes. Rendered dotted, e.g.
 * {@code proxy.upstreams[0].command}, because that is how users read and grep their files.
 */
record FieldPath(List<Object> segments) {

    static final FieldPath ROOT = new FieldPath(List.of());

    FieldPath {
        segments = List.copyOf(segments);
    }

    static FieldPath of(Object... segments) {
        return new FieldPath(List.of(segments));
    }

    FieldPath child(String key) {
        return append(key);
    }

    FieldPath index(int index) {
        return append(index);
    }

    FieldPath parent() {
        if (segments.isEmpty()) {
            throw new IllegalStateException("the root has no parent");
        }
        return new FieldPath(segments.subList(0, segments.size() - 1));
    }

    boolean isRoot() {
        return segments.isEmpty();
    }

    int depth() {
        return segments.size();
    }

    /** The property name at {@code position}, or null when that segment is an index or out of range. */
    @Nullable String name(int position) {
        return position < segments.size() && segments.get(position) instanceof String s ? s : null;
    }

    boolean startsWith(FieldPath prefix) {
        return segments.size() >= prefix.segments.size()
                && segments.subList(0, prefix.segments.size()).equals(prefix.segments);
    }

    /** This path with {@code prefix} swapped for {@code replacement}; {@code prefix} must be a prefix. */
    FieldPath rebase(FieldPath prefix, FieldPath replacement) {
        List<Object> rebased = new ArrayList<>(replacement.segments);
        rebased.addAll(segments.subList(prefix.segments.size(), segments.size()));
        return new FieldPath(rebased);
    }

    private FieldPath append(Object segment) {
        List<Object> longer = new ArrayList<>(segments);
        longer.add(segment);
        return new FieldPath(longer);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (Object segment : segments) {
            if (segment instanceof Integer index) {
                out.append('[').append(index).append(']');
            } else {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(segment);
            }
        }
        return out.toString();
    }
}
