package io.gatekit.routing;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** MCP's logging levels (syslog severities), least severe first. */
enum LogLevel {
    DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL, ALERT, EMERGENCY;

    /** The level named in a message or request, or null for an unknown name. */
    static @Nullable LogLevel parse(@Nullable String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
