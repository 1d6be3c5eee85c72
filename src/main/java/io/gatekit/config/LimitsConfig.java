package io.gatekit.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code proxy.limits} section: bounds that keep one client or upstream from exhausting the gateway.
 *
 * @param maxMessageBytes largest JSON-RPC message accepted from either side, at least 1024, default 16 MiB
 * @param maxInFlightPerUpstream default concurrency cap for an upstream without its own {@code max_in_flight}
 * @param maxInFlightPerClient concurrent requests one client may have open, default 10000
 * @param listPageSize items per page of the gateway's merged lists (tools/list, ...), default 1000
 * @param maxQueuedPerUpstream default bound of an upstream's wait queue (requests over its ceiling wait there, fairly
 *     across clients, until a slot frees or their deadline passes), default 1000; 0 refuses at once
 * @param rateLimitPerClient requests per second each client may send, if limited
 * @param clientWeights a client's share of a contended upstream, by the {@code clientInfo.name} it gave in
 *     {@code initialize} (default 1: a client of weight 2 is served two queued requests for another's one)
 * @param maxUpstreamProcesses the gateway-wide cap on stdio upstream processes, shared replicas and per-client
 *     sessions of every upstream together ({@code max_upstream_processes}, default 64; ADR 0023)
 */
public record LimitsConfig(int maxMessageBytes, int maxInFlightPerUpstream, int maxInFlightPerClient, int listPageSize,
        int maxQueuedPerUpstream, Optional<RateLimitConfig> rateLimitPerClient, Map<String, Integer> clientWeights,
        int maxUpstreamProcesses) {

    static final int MIN_MESSAGE_BYTES = 1024;
    static final int DEFAULT_MESSAGE_BYTES = 16 * 1024 * 1024;
    static final int DEFAULT_IN_FLIGHT_PER_UPSTREAM = 100;
    static final int DEFAULT_IN_FLIGHT_PER_CLIENT = 10_000;
    static final int DEFAULT_LIST_PAGE_SIZE = 1000;
    static final int DEFAULT_QUEUED_PER_UPSTREAM = 1000;
    static final int DEFAULT_UPSTREAM_PROCESSES = 64;

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
        if (maxQueuedPerUpstream < 0) {
            throw new IllegalArgumentException("max_queued_per_upstream must be >= 0, got " + maxQueuedPerUpstream);
        }
        if (maxUpstreamProcesses < 1) {
            throw new IllegalArgumentException("max_upstream_processes must be >= 1, got " + maxUpstreamProcesses);
        }
        Objects.requireNonNull(rateLimitPerClient, "rateLimitPerClient");
        clientWeights = Map.copyOf(clientWeights);
        clientWeights.forEach((client, weight) -> {
            if (weight < 1) {
                throw new IllegalArgumentException("client_weights." + client + " must be >= 1, got " + weight);
            }
        });
    }

    /** Every limit at its default. */
    public static LimitsConfig defaults() {
        return new LimitsConfig(DEFAULT_MESSAGE_BYTES, DEFAULT_IN_FLIGHT_PER_UPSTREAM, DEFAULT_IN_FLIGHT_PER_CLIENT,
                DEFAULT_LIST_PAGE_SIZE, DEFAULT_QUEUED_PER_UPSTREAM, Optional.empty(), Map.of(), DEFAULT_UPSTREAM_PROCESSES);
    }
}
