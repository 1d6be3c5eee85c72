package io.gatekit.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Typed reads from a schema-checked tree. A value of the wrong type reads as absent: the schema has already
 * reported it, and binding goes on only to find the problems the schema cannot see.
 */
final class Nodes {

    private Nodes() {}

    static Optional<String> string(JsonNode object, String key) {
        JsonNode value = object.get(key);
        return value != null && value.isString() ? Optional.of(value.stringValue()) : Optional.empty();
    }

    /** A closed-set value; an unknown spelling reads as absent (the schema has reported it with the allowed values). */
    static <E extends Enum<E> & ConfigChoice> Optional<E> choice(JsonNode object, String key, Class<E> type) {
        return string(object, key).flatMap(text -> ConfigChoice.parse(type, text));
    }

    static int integer(JsonNode object, String key, int fallback) {
        JsonNode value = object.get(key);
        return value != null && value.isIntegralNumber() && value.canConvertToInt() ? value.intValue() : fallback;
    }

    static boolean bool(JsonNode object, String key, boolean fallback) {
        JsonNode value = object.get(key);
        return (value != null && value.isBoolean()) ? value.booleanValue() : fallback;
    }

    /** Seconds, whole or decimal, to the nanosecond; anything not a positive number of at most a day reads as absent. */
    static Optional<Duration> seconds(JsonNode object, String key) {
        JsonNode value = object.get(key);
        if (value == null || !value.isNumber()) {
            return Optional.empty();
        }
        BigDecimal seconds = value.decimalValue();
        if (seconds.signum() <= 0 || seconds.compareTo(BigDecimal.valueOf(86_400)) > 0) {
            return Optional.empty();
        }
        long nanos = seconds.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact();
        return nanos == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos));
    }

    /** A {@code {requests_per_second, burst}} object; absent (or reported by the schema) reads as no limit. */
    static Optional<RateLimitConfig> rateLimit(JsonNode object, String key) {
        JsonNode limit = object.get(key);
        JsonNode rate = limit == null ? null : limit.get("requests_per_second");
        if (rate == null || !rate.isNumber() || !(rate.doubleValue() > 0)
                || rate.doubleValue() > RateLimitConfig.MAX_REQUESTS_PER_SECOND) {
            return Optional.empty();
        }
        double perSecond = rate.doubleValue();
        return Optional.of(new RateLimitConfig(perSecond, Math.max(1, integer(limit, "burst",
                RateLimitConfig.defaultBurst(perSecond)))));
    }

    /** An object of positive integers by name ({@code max_in_flight_per_tool}, {@code client_weights}). */
    static Map<String, Integer> positiveIntegers(JsonNode object, String key) {
        Map<String, Integer> values = new LinkedHashMap<>();
        JsonNode map = object.get(key);
        if (map != null && map.isObject()) {
            for (Map.Entry<String, JsonNode> entry : map.properties()) {
                int value = integer(map, entry.getKey(), 0);
                if (value >= 1) {
                    values.put(entry.getKey(), value);
                }
            }
        }
        return values;
    }
}
