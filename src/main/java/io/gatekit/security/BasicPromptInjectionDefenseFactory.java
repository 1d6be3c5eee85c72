package io.gatekit.security;

import io.gatekit.plugins.Plugin;
import io.gatekit.plugins.PluginSetup;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code basic_prompt_injection_defense}: crude prompt injection (fake system delimiters, role changes, attempts
 * to drop instructions) in every string of a message, values that are wholly base64 decoded and checked too. Redacts
 * as {@code [PROMPT INJECTION REDACTED by Gatekit]} by default.
 */
public final class BasicPromptInjectionDefenseFactory extends SecurityFilterFactory {
    static final String HANDLER = "basic_prompt_injection_defense";
    private static final String SENSITIVITY = "sensitivity";
    private static final String METHODS = "detection_methods";

    public BasicPromptInjectionDefenseFactory() {
        super(HANDLER, "Finds obvious prompt injection (fake system delimiters, role manipulation, context hijacking) by"
                + " pattern, and blocks, redacts or reports it");
    }

    @Override
    public JsonNode optionsSchema() {
        ObjectNode schema = FilterOptions.objectSchema(description());
        FilterOptions.action(schema, "prompt injection");
        ObjectNode sensitivity = FilterOptions.properties(schema).putObject(SENSITIVITY);
        sensitivity.put("type", "string").put("default", "standard").put("description", "relaxed: only the most"
                + " explicit attacks, fewest false positives; standard: balanced; strict: the most patterns");
        sensitivity.putArray("enum").add("relaxed").add("standard").add("strict");
        FilterOptions.toggles(schema, METHODS, "the kinds of injection to look for", PromptInjectionDetector.METHODS,
                Set.of());
        return schema;
    }

    @Override
    public Plugin create(PluginSetup setup) {
        JsonNode options = setup.options();
        PromptInjectionDetector detector = new PromptInjectionDetector(
                PromptInjectionDetector.Sensitivity.of(options.path(SENSITIVITY).asString("standard")),
                FilterOptions.enabled(options, METHODS, PromptInjectionDetector.METHODS, Set.of()));
        TextScanner scanner = new TextScanner(detector, TextScanner.Base64Mode.WHOLE_VALUES, false);
        return new ContentFilter(new ContentFilter.Spec("prompt injection", "injection_detected", scanner,
                Action.of(options), false, type -> "[PROMPT INJECTION REDACTED by Gatekit]"));
    }
}
