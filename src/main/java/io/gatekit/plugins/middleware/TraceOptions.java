package io.gatekit.plugins.middleware;

import tools.jackson.databind.JsonNode;

/**
 * A {@code call_trace} entry's options: how much of the arguments to show, and which lines the block has (the
 * original's {@code trace_fields}, each on unless set to false).
 */
record TraceOptions(int maxParamLength, boolean server, boolean tool, boolean params, boolean responseSize,
        boolean duration, boolean requestId, boolean timestamp) {

    static final int DEFAULT_MAX_PARAM_LENGTH = 200;
    /** The {@code trace_fields} keys, in the order the block shows them. */
    static final String[] FIELDS = {"server", "tool", "params", "response_size", "duration", "request_id", "timestamp"};

    TraceOptions {
        if (maxParamLength < 0) {
            throw new IllegalArgumentException("max_param_length must be 0 or more, got " + maxParamLength);
        }
    }

    static TraceOptions of(JsonNode options) {
        JsonNode length = options.path("max_param_length");
        if (!length.isMissingNode() && !length.canConvertToInt()) {
            throw new IllegalArgumentException("max_param_length must be a whole number of characters, got " + length);
        }
        JsonNode fields = options.path("trace_fields");
        return new TraceOptions(length.isMissingNode() ? DEFAULT_MAX_PARAM_LENGTH : length.asInt(),
                on(fields, "server"), on(fields, "tool"), on(fields, "params"), on(fields, "response_size"),
                on(fields, "duration"), on(fields, "request_id"), on(fields, "timestamp"));
    }

    private static boolean on(JsonNode fields, String field) {
        return fields.path(field).asBoolean(true);
    }
}
