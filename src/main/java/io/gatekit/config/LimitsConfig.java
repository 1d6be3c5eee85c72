package io.gatekit.config;

/**
 * The {@code proxy.limits} section: bounds that keep one client or upstream from exhausting the gateway.
 *
 * @param maxMessageBytes largest JSON-RPC message accepted from either side, at least 1024, default 16 MiB
 * @param maxInFlightPerUpstream default concurrency cap for an upstream without its own {@code max_in_flight}
 * @param maxInFlightPerClient concurrent requests one client may have open, default 10000
 * @param listPageSize items per page of the gateway's merged lists (tools/list, ...), default 1000
 */
public record LimitsConfig(int maxMessageBytes, int maxInFlightPerUpstream, int maxInFlightPerClient, int listPageSize) {

    static final int MIN_MESSAGE_BYTES = 1024;
    static final int DEFAULT_MESSAGE_BYTES = 16 * 1024 * 1024;
    static final int DEFAULT_IN_FLIGHT_PER_UPSTREAM = 100;
    static final int DEFAULT_IN_FLIGHT_PER_CLIENT = 10_000;
    static final int DEFAULT_LIST_PAGE_SIZE = 1000;

    public LimitsConfig {
        if (maxMessageBytes < MIN_MESSAGE_BYTES) {
            throw new IllegalArgumentException("max_message_bytes must be >= 1024, got " + maxMessageBytes);
        }
        if (maxInFlightPerUpstream < 1 || maxInFlightPerClient < 1) {
            throw new IllegalArgumentException("in-flight limits must be >= 1");
        }
        if (listPageSize < 1) {
            throw new IllegalArgumentException("list_page_size must be >= 1, got " + listPageSize);
        }
    }

    /** Every limit at its default. */
    public static LimitsConfig defaults() {
        return new LimitsConfig(DEFAULT_MESSAGE_BYTES, DEFAULT_IN_FLIGHT_PER_UPSTREAM, DEFAULT_IN_FLIGHT_PER_CLIENT,
                DEFAULT_LIST_PAGE_SIZE);
    }
}
