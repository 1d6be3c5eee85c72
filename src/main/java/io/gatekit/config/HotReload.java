package io.gatekit.config;

/** {@code proxy.hot_reload}: whether the gateway re-reads its config file when it changes. */
public enum HotReload implements ConfigChoice {
    /** As {@link #ENABLED} (the Python Gatekit's spelling for "when there is a file to watch"). */
    AUTO,
    ENABLED,
    DISABLED
}
