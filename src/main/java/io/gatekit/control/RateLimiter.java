package io.gatekit.control;

import io.github.bucket4j.ConsumptionProbe;
import io.gatekit.config.RateLimitConfig;

/**
 * One rate limit's token bucket ({@link RateBuckets}: in memory, or shared by the instances when scaled out):
 * {@code requests_per_second} refill continuously, up to {@code burst}, and each request takes one or is refused
 * with the time until the next token. Made per client, per caller or per upstream; a hot reload that changes the
 * limit makes a new one (starting full).
 *
 * <p>Concurrency: the bucket is thread-safe (a local one lock-free); any thread may take from it.
 */
final class RateLimiter {
    private final RateLimitConfig limit;
    private final RateBuckets.TokenBucket bucket;

    /** A bucket of this process alone (a connection's own limit). */
    RateLimiter(RateLimitConfig limit) {
        this.limit = limit;
        this.bucket = new RateBuckets.LocalBucket(limit);
    }

    /** The bucket {@code key} of {@code buckets}, shared across instances when they are. */
    RateLimiter(RateLimitConfig limit, RateBuckets buckets, String key) {
        this.limit = limit;
        this.bucket = buckets.bucket(key, limit);
    }

    RateLimitConfig limit() {
        return limit;
    }

    /** Whether the bucket is back to its burst: forgetting it now loses nothing. */
    boolean isFull() {
        return bucket.isFull();
    }

    /** Takes a token: 0 if there was one, else how many milliseconds until there is (at least 1). */
    long tryTake() {
        ConsumptionProbe probe = bucket.tryTake();
        return probe.isConsumed() ? 0 : Math.max(1, (probe.getNanosToWaitForRefill() + 999_999) / 1_000_000);
    }
}
