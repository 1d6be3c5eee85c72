package io.gatekit.security;

import io.gatekit.plugins.Plugin;
import io.gatekit.plugins.PluginSetup;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code basic_pii_filter}: personal data (e-mail, US phone, payment cards, IP addresses, national ids) in every
 * string and number of a message. Redacts as {@code [EMAIL REDACTED by Gatekit]} and so on by default.
 */
public final class BasicPiiFilterFactory extends SecurityFilterFactory {
    static final String HANDLER = "basic_pii_filter";
    private static final String PII_TYPES = "pii_types";

    public BasicPiiFilterFactory() {
        super(HANDLER, "Finds personal data (e-mail, US phone, payment cards, IP addresses, national ids) by pattern, and"
                + " blocks, redacts or reports it");
    }

    @Override
    public JsonNode optionsSchema() {
        ObjectNode schema = FilterOptions.objectSchema(description());
        FilterOptions.action(schema, "PII");
        FilterOptions.toggles(schema, PII_TYPES, "the kinds of personal data to look for", PiiDetector.TYPES, Set.of());
        FilterOptions.scanBase64(schema);
        return schema;
    }

    @Override
    public Plugin create(PluginSetup setup) {
        JsonNode options = setup.options();
        Set<String> types = FilterOptions.enabled(options, PII_TYPES, PiiDetector.TYPES, Set.of());
        TextScanner scanner = new TextScanner(new PiiDetector(types), FilterOptions.base64Mode(options), true);
        return new ContentFilter(new ContentFilter.Spec("PII", "pii_detected", scanner, Action.of(options), true,
                type -> "[" + type.toUpperCase(Locale.ROOT) + " REDACTED by Gatekit]"));
    }
}
