package io.gatekit.scaleout;

import io.gatekit.config.RateLimitConfig;
import io.gatekit.control.RateBuckets;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate-limit buckets in Redis (Bucket4j's Lettuce proxy manager, compare-and-swap), one per caller and per upstream
 * for every instance: with N instances behind a balancer a limit still means what it says. Keys are
 * {@code gatekit:rate:<hash of the bucket's name and limit>} and expire once the bucket would be full again; a
 * changed limit is a new bucket. Only a rate-limited request pays the round trip.
 *
 * <p>While Redis is unreachable each instance limits on its own (a bucket in memory per shared bucket), so a
 * request is never refused or held for want of Redis; the instances then grant up to N times the limit. After a
 * failure Redis is left alone for {@link #RETRY_AFTER} so that requests do not each wait for the command timeout.
 *
 * <p>Concurrency: the proxy manager and its connection are thread-safe; the breaker is one volatile deadline.
 */
public final class RedisRateBuckets implements RateBuckets {
    private static final Logger log = LoggerFactory.getLogger(RedisRateBuckets.class);
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    /** A bucket's round trip; beyond it the instance limits locally rather than hold the request. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);

    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final ProxyManager<String> proxies;
    private volatile long redisAwayUntil = System.nanoTime();

    private RedisRateBuckets(RedisClient client) {
        this.client = client;
        this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        this.proxies = Bucket4jLettuce.casBasedBuilder(connection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .requestTimeout(REQUEST_TIMEOUT)
                .build();
    }

    /** Connects to the Redis at {@code uri}; throws with a clear message when it cannot be reached. */
    public static RedisRateBuckets connect(URI uri) {
        RedisClient client = RedisClients.create(uri);
        try {
            return new RedisRateBuckets(client);
        } catch (RedisException e) {
            client.shutdown();
            throw new IllegalStateException("cannot reach Redis at " + RedisClients.describe(uri)
                    + " (proxy.http.scale_out.redis) for the shared rate limits: " + e.getMessage(), e);
        }
    }

    @Override
    public TokenBucket bucket(String key, RateLimitConfig limit) {
        String name = "gatekit:rate:" + RedisClients.hash(key + '\u0000' + limit.requestsPerSecond() + '/' + limit.burst());
        return new SharedBucket(name, limit, new LocalBucket(limit));
    }

    /** One shared bucket, with the in-memory bucket that stands in for it while Redis is away. */
    private final class SharedBucket implements TokenBucket {
        private final String name;
        private final BucketConfiguration configuration;
        private final LocalBucket standIn;

        SharedBucket(String name, RateLimitConfig limit, LocalBucket standIn) {
            this.name = name;
            this.configuration = BucketConfiguration.builder().addLimit(RateBuckets.bandwidth(limit)).build();
            this.standIn = standIn;
        }

        @Override
        public ConsumptionProbe tryTake() {
            if (System.nanoTime() - redisAwayUntil < 0) {
                return standIn.tryTake();
            }
            try {
                return proxies.getProxy(name, () -> configuration).tryConsumeAndReturnRemaining(1);
            } catch (RuntimeException e) {
                redisAwayUntil = System.nanoTime() + RETRY_AFTER.toNanos();
                log.warn("Redis unreachable; rate limits are per instance for the next {} s: {}",
                        RETRY_AFTER.toSeconds(), e.toString());
                return standIn.tryTake();
            }
        }

        /** The bucket itself is in Redis: only the stand-in's state would be lost by forgetting this handle. */
        @Override
        public boolean isFull() {
            return standIn.isFull();
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
