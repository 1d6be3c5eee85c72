package io.gatekit.routing;

import java.util.Optional;

/**
 * The naming rule that makes many upstreams look like one server: a tool or prompt {@code name} of upstream
 * {@code u} is exposed as {@code u__name}. Upstream names may not contain {@code __} (checked in config), so
 * the first {@code __} always splits a qualified name back unambiguously, even when the upstream's own names
 * contain {@code __}.
 */
public final class Namespace {
    public static final String SEPARATOR = "__";

    private Namespace() {}

    /** A qualified name split into its upstream and the upstream's own name. */
    public record Qualified(String upstream, String name) {}

    public static String qualify(String upstream, String name) {
        return upstream + SEPARATOR + name;
    }

    public static Optional<Qualified> split(String qualified) {
        int at = qualified.indexOf(SEPARATOR);
        if (at <= 0 || at + SEPARATOR.length() >= qualified.length()) {
            return Optional.empty();
        }
        return Optional.of(new Qualified(qualified.substring(0, at), qualified.substring(at + SEPARATOR.length())));
    }
}
