package io.gatekit.plugins;

import java.util.Locale;

/** The three families of plugins, as the {@code plugins:} section names them. */
public enum PluginKind {
    /** Decides whether a message may pass (allow, block, redact); every stage must decide. */
    SECURITY,
    /** Shapes messages (rename, hide, annotate, answer itself); never allows or blocks. */
    MIDDLEWARE,
    /** Records what happened; runs after the others, in the order configured, and cannot change anything. */
    AUDITING;

    private final String configKey = name().toLowerCase(Locale.ROOT);

    /** The key under {@code plugins:}. */
    public String configKey() {
        return configKey;
    }

    public static PluginKind ofConfigKey(String key) {
        return valueOf(key.toUpperCase(Locale.ROOT));
    }
}
