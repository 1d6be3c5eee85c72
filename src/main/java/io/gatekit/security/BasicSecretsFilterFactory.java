package io.gatekit.security;

import io.gatekit.plugins.Plugin;
import io.gatekit.plugins.PluginSetup;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code basic_secrets_filter}: credentials of well-known shapes, and optionally any high-entropy token, in every
 * string of a message. Redacts as {@code [SECRET REDACTED by Gatekit]} by default.
 */
public final class BasicSecretsFilterFactory extends SecurityFilterFactory {
    static final String HANDLER = "basic_secrets_filter";
    private static final String SECRET_TYPES = "secret_types";
    private static final String ENTROPY = "entropy_detection";
    private static final Set<String> OFF_BY_DEFAULT = Set.of(SecretsDetector.PRIVATE_KEY);
    static final double DEFAULT_THRESHOLD = 5.0;
    static final int DEFAULT_MIN_LENGTH = 20;

    public BasicSecretsFilterFactory() {
        super(HANDLER, "Finds credentials (AWS, GitHub, Google, OpenAI and Slack keys, JWTs, private keys) by pattern and"
                + " optionally by entropy, and blocks, redacts or reports them");
    }

    @Override
    public JsonNode optionsSchema() {
        ObjectNode schema = FilterOptions.objectSchema(description());
        FilterOptions.action(schema, "a secret");
        FilterOptions.toggles(schema, SECRET_TYPES, "the kinds of secrets to look for", SecretsDetector.TYPES,
                OFF_BY_DEFAULT);
        ObjectNode entropy = FilterOptions.objectSchema("flag random-looking tokens (off by default: false positives"
                + " on ordinary ids and hashes)");
        ObjectNode properties = FilterOptions.properties(entropy);
        properties.putObject("enabled").put("type", "boolean").put("default", false);
        properties.putObject("threshold").put("type", "number").put("minimum", 4.0).put("maximum", 5.0)
                .put("default", DEFAULT_THRESHOLD).put("description", "bits per character from which a token is"
                        + " flagged, 4.0-5.0; below 5.0 expect false positives");
        properties.putObject("min_length").put("type", "integer").put("minimum", 10)
                .put("maximum", SecretsDetector.MAX_TOKEN).put("default", DEFAULT_MIN_LENGTH)
                .put("description", "the shortest token measured");
        FilterOptions.properties(schema).set(ENTROPY, entropy);
        FilterOptions.scanBase64(schema);
        return schema;
    }

    @Override
    public Plugin create(PluginSetup setup) {
        JsonNode options = setup.options();
        Set<String> types = FilterOptions.enabled(options, SECRET_TYPES, SecretsDetector.TYPES, OFF_BY_DEFAULT);
        JsonNode entropy = options.path(ENTROPY);
        SecretsDetector detector = new SecretsDetector(types, new SecretsDetector.Entropy(
                entropy.path("enabled").asBoolean(false), entropy.path("threshold").asDouble(DEFAULT_THRESHOLD),
                entropy.path("min_length").asInt(DEFAULT_MIN_LENGTH)));
        TextScanner scanner = new TextScanner(detector, FilterOptions.base64Mode(options), false);
        return new ContentFilter(new ContentFilter.Spec("secret", "secret_detected", scanner, Action.of(options),
                false, type -> "[SECRET REDACTED by Gatekit]"));
    }
}
