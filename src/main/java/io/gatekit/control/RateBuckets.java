package io.gatekit.control;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.gatekit.config.RateLimitConfig;
import java.time.Duration;

/**
 * Where the token buckets of the rate limits live. {@link #LOCAL}: in this process, lock-free, the default and the
 * only kind a single instance uses. Scaled out with Redis ({@code scaleout.RedisRateBuckets}), a caller's or an
 * upstream's bucket is one bucket for every instance, so N instances do not grant N times the limit.
 */
public interface RateBuckets extends AutoCloseable {

    /** Buckets in this process's memory. */
    RateBuckets LOCAL = (key, limit) -> new LocalBucket(limit);

    /**
     * The bucket named {@code key} (say, {@code upstream:<name>}), refilled as {@code limit} says. Shared buckets
     * with the same key and limit are one bucket across instances.
     */
    TokenBucket bucket(String key, RateLimitConfig limit);

    @Override
    default void close() {}

    /** One token bucket. Any thread may take from it. */
    interface TokenBucket {
        /** Takes a token if there is one; the probe says whether, and how long until the next. */
        ConsumptionProbe tryTake();

        /** Whether the bucket is back to its burst: the holder may forget it without losing anything. */
        boolean isFull();
    }

    /**
     * The bandwidth of {@code limit}: one token per period, greedy, so tokens come back one by one rather than in
     * a lump each second. Shared by the local and the shared buckets, which must refill alike.
     */
    static Bandwidth bandwidth(RateLimitConfig limit) {
        Duration period = Duration.ofNanos(Math.max(1, Math.round(1e9 / limit.requestsPerSecond())));
        return Bandwidth.builder().capacity(limit.burst()).refillGreedy(1, period).build();
    }

    /** A Bucket4j bucket in memory (compare-and-set, lock-free). */
    final class LocalBucket implements TokenBucket {
        private final int burst;
        private final Bucket bucket;

        public LocalBucket(RateLimitConfig limit) {
            this.burst = limit.burst();
            this.bucket = Bucket.builder().addLimit(bandwidth(limit)).withNanosecondPrecision().build();
        }

        @Override
        public ConsumptionProbe tryTake() {
            return bucket.tryConsumeAndReturnRemaining(1);
        }

        @Override
        public boolean isFull() {
            return bucket.getAvailableTokens() >= burst;
        }
    }
}
