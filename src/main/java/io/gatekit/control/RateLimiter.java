package io.gatekit.control;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.gatekit.config.RateLimitConfig;
import java.time.Duration;

/**
 * One token bucket (Bucket4j, in memory): {@code requests_per_second} refill continuously, up to {@code burst}, and
 * each request takes one or is refused with the time until the next token. Made per client or per upstream; a hot
 * reload that changes the limit makes a new one (starting full).
 *
 * <p>Concurrency: Bucket4j's local bucket is lock-free (compare-and-set); any thread may take from it.
 */
final class RateLimiter {
    private final RateLimitConfig limit;
    private final Bucket bucket;

    RateLimiter(RateLimitConfig limit) {
        this.limit = limit;
        // One token per period, greedy: tokens come back one by one, not in a lump each second.
        Duration period = Duration.ofNanos(Math.max(1, Math.round(1e9 / limit.requestsPerSecond())));
        this.bucket = Bucket.builder()
                .addLimit(bandwidth -> bandwidth.capacity(limit.burst()).refillGreedy(1, period))
                .withNanosecondPrecision()
                .build();
    }

    RateLimitConfig limit() {
        return limit;
    }

    /** Whether the bucket is back to its burst: forgetting it now loses nothing. */
    boolean isFull() {
        return bucket.getAvailableTokens() >= limit.burst();
    }

    /** Takes a token: 0 if there was one, else how many milliseconds until there is (at least 1). */
    long tryTake() {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, (probe.getNanosToWaitForRefill() + 999_999) / 1_000_000);
    }
}
