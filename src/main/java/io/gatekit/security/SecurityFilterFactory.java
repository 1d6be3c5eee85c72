package io.gatekit.security;

import io.gatekit.plugins.PluginFactory;
import io.gatekit.plugins.PluginKind;
import java.util.Objects;

/** What the three built-in filters' factories have in common: a handler name, a description, the security family. */
abstract class SecurityFilterFactory implements PluginFactory {
    private final String handler;
    private final String description;

    SecurityFilterFactory(String handler, String description) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.description = Objects.requireNonNull(description, "description");
    }

    @Override
    public final String handler() {
        return handler;
    }

    @Override
    public final PluginKind kind() {
        return PluginKind.SECURITY;
    }

    @Override
    public final String description() {
        return description;
    }
}
