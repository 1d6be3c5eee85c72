package io.gatekit.security;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The option shapes the three filters share, as JSON Schema (for the registry's check) and as values read from an
 * entry: {@code action}, groups of on/off kinds ({@code pii_types.email.enabled}) and plain flags. Option names and
 * defaults are the Python Gatekit's, so its YAML files load unchanged; every object refuses unknown keys, so a
 * misspelt option is reported instead of ignored.
 */
final class FilterOptions {
    private static final String SCAN_BASE64 = "scan_base64";

    private FilterOptions() {}

    /** An object schema that refuses unknown properties; add to its {@code properties}. */
    static ObjectNode objectSchema(String description) {
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        schema.put("type", "object").put("description", description).put("additionalProperties", false);
        schema.putObject("properties");
        return schema;
    }

    static ObjectNode properties(ObjectNode schema) {
        return (ObjectNode) schema.get("properties");
    }

    /** {@code action}: block, redact (default) or audit_only. */
    static void action(ObjectNode schema, String subject) {
        ObjectNode action = properties(schema).putObject("action");
        action.put("type", "string").put("default", "redact").put("description", "what to do when " + subject
                + " is found: block the message, redact it (replace what was found with a placeholder), or"
                + " audit_only (let it pass; the reason says what was found)");
        action.putArray("enum").add("block").add("redact").add("audit_only");
    }

    /** A group of kinds, each an object {@code {enabled: boolean}}; {@code defaultOff} lists those off by default. */
    static void toggles(ObjectNode schema, String name, String description, List<String> kinds, Set<String> defaultOff) {
        ObjectNode group = objectSchema(description);
        for (String kind : kinds) {
            ObjectNode toggle = objectSchema(kind + (defaultOff.contains(kind) ? " (off by default)" : " (on by default)"));
            properties(toggle).putObject("enabled").put("type", "boolean").put("default", !defaultOff.contains(kind));
            properties(group).set(kind, toggle);
        }
        properties(schema).set(name, group);
    }

    /** {@code scan_base64}: off by default. */
    static void scanBase64(ObjectNode schema) {
        properties(schema).putObject(SCAN_BASE64).put("type", "boolean").put("default", false)
                .put("description", "also decode base64 in values and scan it; a finding there blocks the message"
                        + " even under action: redact (encoded data cannot be redacted)");
    }

    /** How the entry's {@code scan_base64} says base64 is treated. */
    static TextScanner.Base64Mode base64Mode(JsonNode options) {
        return options.path(SCAN_BASE64).asBoolean(false) ? TextScanner.Base64Mode.CANDIDATES : TextScanner.Base64Mode.OFF;
    }

    /** The kinds of group {@code name} that are on in {@code options}, those of {@code defaultOff} off unless named. */
    static Set<String> enabled(JsonNode options, String name, List<String> kinds, Set<String> defaultOff) {
        Set<String> on = new LinkedHashSet<>();
        for (String kind : kinds) {
            if (options.path(name).path(kind).path("enabled").asBoolean(!defaultOff.contains(kind))) {
                on.add(kind);
            }
        }
        return Set.copyOf(on);
    }
}
