package io.gatekit.config;

import java.util.List;
import java.util.Objects;

/**
 * Checks one {@code plugins:} entry against what the plugin layer knows (does the handler exist, are its options
 * valid), so that the loader can report those problems with everything else, at their exact lines. The config
 * layer knows nothing of plugins; the plugin registry implements this.
 */
@FunctionalInterface
public interface PluginCheck {

    /** Accepts every entry; used where plugins are checked later (when the gateway makes them). */
    PluginCheck NONE = entry -> List.of();

    List<Issue> check(PluginEntry entry);

    /**
     * One problem with an entry.
     *
     * @param path where, below the entry: e.g. {@code ["handler"]}, or {@code ["config", "pii_types", "email"]}
     * @param atKey true when the key itself is wrong (unknown option), false when its value is
     * @param message what is wrong, with a suggestion where one helps
     */
    record Issue(List<Object> path, boolean atKey, String message) {
        public Issue {
            path = List.copyOf(path);
            Objects.requireNonNull(message, "message");
        }
    }
}
