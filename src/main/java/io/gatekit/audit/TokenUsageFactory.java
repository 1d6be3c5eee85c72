package io.gatekit.audit;

import io.gatekit.plugins.Plugin;
import io.gatekit.plugins.PluginSetup;
import io.gatekit.plugins.SharedResources;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code token_usage}: estimated tokens per server and tool, as CSV rows ({@link TokenUsageFormat}) and running
 * totals in a state file ({@link TokenUsageState}). Not critical unless the entry says so: counting tokens must
 * not stop traffic.
 */
public final class TokenUsageFactory extends FileAuditorFactory {
    static final String DEFAULT_STATE_FILE = "logs/token_usage_state.json";
    static final double DEFAULT_FLUSH_INTERVAL = 1.0;

    public TokenUsageFactory() {
        super("token_usage", "Estimate the tokens each server and tool costs a model: CSV rows and running totals"
                + " in a state file", "logs/token_usage.csv");
    }

    @Override
    public boolean defaultCritical() {
        return false;
    }

    @Override
    void addOptions(ObjectNode properties) {
        properties.putObject("state_file").put("type", "string").put("minLength", 1).put("default", DEFAULT_STATE_FILE)
                .put("description", "JSON file with the running totals of each gateway process using it");
        properties.putObject("flush_interval_seconds").put("type", "number").put("minimum", 0.1).put("maximum", 60.0)
                .put("default", DEFAULT_FLUSH_INTERVAL).put("description", "how often changed totals are written");
    }

    @Override
    Plugin create(PluginSetup setup, FileOptions file) {
        JsonNode options = setup.options();
        Duration flushInterval = Duration.ofNanos(
                (long) (options.path("flush_interval_seconds").asDouble(DEFAULT_FLUSH_INTERVAL) * 1_000_000_000L));
        SharedResources.Lease<TokenUsageState> state = TokenUsageState.lease(setup.shared(),
                setup.resolve(options.path("state_file").asString(DEFAULT_STATE_FILE)), flushInterval);
        try {
            return new FileAuditor(AuditWriter.lease(setup.shared(), file.outputFile(), TokenUsageFormat.LAYOUT,
                    file.settings()), new TokenUsageFormat(state.resource(), formatCodec()), state);
        } catch (RuntimeException e) {
            state.close();
            throw e;
        }
    }
}
