package io.gatekit.audit;

import io.gatekit.plugins.Plugin;
import io.gatekit.plugins.PluginSetup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code audit_jsonl}: every message as one JSON object per line ({@link JsonLinesFormat}). */
public final class AuditJsonlFactory extends FileAuditorFactory {
    static final int DEFAULT_MAX_BODY_SIZE = 10_240;
    static final int MIN_MAX_BODY_SIZE = 50;
    static final int MAX_MAX_BODY_SIZE = 1_048_576;

    public AuditJsonlFactory() {
        super("audit_jsonl", "Log every MCP message as one JSON object per line, for tools and log pipelines",
                "logs/gatekit_audit.jsonl");
    }

    @Override
    void addOptions(ObjectNode properties) {
        for (String body : new String[] {"request", "response", "notification"}) {
            properties.putObject("include_" + body + "_body").put("type", "boolean").put("default", false)
                    .put("description", "write each " + body + "'s body (never when a security plugin cleared it)");
        }
        ObjectNode maxBody = properties.putObject("max_body_size");
        maxBody.put("type", "integer").put("minimum", 0).put("maximum", MAX_MAX_BODY_SIZE).put("default", DEFAULT_MAX_BODY_SIZE)
                .put("description", "characters of a body's JSON kept (0: all; otherwise at least " + MIN_MAX_BODY_SIZE + ")");
        ArrayNode either = maxBody.putArray("anyOf");
        either.addObject().put("const", 0);
        either.addObject().put("minimum", MIN_MAX_BODY_SIZE);
    }

    @Override
    Plugin create(PluginSetup setup, FileOptions file) {
        JsonNode options = setup.options();
        int maxBodySize = options.path("max_body_size").asInt(DEFAULT_MAX_BODY_SIZE);
        if (maxBodySize != 0 && (maxBodySize < MIN_MAX_BODY_SIZE || maxBodySize > MAX_MAX_BODY_SIZE)) {
            throw new IllegalArgumentException("max_body_size must be 0 (unlimited) or " + MIN_MAX_BODY_SIZE + ".."
                    + MAX_MAX_BODY_SIZE + ", not " + maxBodySize);
        }
        JsonLinesFormat.Bodies bodies = new JsonLinesFormat.Bodies(options.path("include_request_body").asBoolean(false),
                options.path("include_response_body").asBoolean(false),
                options.path("include_notification_body").asBoolean(false), maxBodySize);
        return new FileAuditor(AuditWriter.lease(setup.shared(), file.outputFile(), JsonLinesFormat.LAYOUT, file.settings()),
                new JsonLinesFormat(bodies, formatCodec()), null);
    }
}
