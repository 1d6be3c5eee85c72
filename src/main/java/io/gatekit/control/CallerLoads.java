package io.gatekit.control;

import io.gatekit.config.RateLimitConfig;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.session.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The client limits ({@code max_in_flight_per_client}, {@code rate_limit_per_client}) for authenticated callers:
 * counted per caller ({@link Principal#callerKey}) across all its sessions and stateless requests, since one caller
 * can open many connections and a 2026-07-28 client opens one per request. An entry lives while the caller has
 * requests in flight or a bucket still refilling, so idle callers cost nothing.
 *
 * <p>Concurrency: an entry's fields are read and written only inside the map's {@code compute} for its key, which
 * runs atomically per key; admission and release may come from any thread.
 */
final class CallerLoads {
    /** One caller's load. */
    private static final class Load {
        int inFlight;
        @Nullable RateLimiter bucket;

        boolean idle() {
            RateLimiter limiter = bucket;
            return inFlight == 0 && (limiter == null || limiter.isFull());
        }
    }

    /** What a compute decided, read after it returns on the same thread. */
    private static final class Verdict {
        @Nullable GatewayException refusal;
    }

    private final Map<String, Load> loads = new ConcurrentHashMap<>();
    private final RateBuckets buckets;

    CallerLoads(RateBuckets buckets) {
        this.buckets = buckets;
    }

    /**
     * Admits one request of {@code caller} under {@code maxInFlight} and {@code rate} (null: no rate limit); when
     * admitted, hands {@code atEnd} what releases its place, to be closed once the request ends.
     */
    @Nullable GatewayException admit(Principal caller, int maxInFlight, @Nullable RateLimitConfig rate,
            Consumer<AutoCloseable> atEnd) {
        String key = caller.callerKey();
        Verdict verdict = new Verdict();
        loads.compute(key, (k, existing) -> {
            Load load = existing == null ? new Load() : existing;
            if (load.inFlight >= maxInFlight) {
                verdict.refusal = new GatewayException(ErrorCode.OVERLOADED, "Too many requests in flight for caller '"
                        + caller.subject() + "' (limit " + maxInFlight + ", proxy.limits.max_in_flight_per_client,"
                        + " counted across all its sessions); retry when some have completed");
                return load.idle() ? null : load;
            }
            if (rate != null) {
                RateLimiter bucket = load.bucket;
                if (bucket == null || !bucket.limit().equals(rate)) {
                    bucket = new RateLimiter(rate, buckets, "caller:" + key);
                    load.bucket = bucket;
                }
                long waitMs = bucket.tryTake();
                if (waitMs > 0) {
                    verdict.refusal = Refusal.RATE_LIMITED.error("Caller '" + caller.subject() + "' is over its rate"
                            + " limit (" + rate.describe() + ", proxy.limits.rate_limit_per_client, across all its"
                            + " sessions); retry in " + waitMs + " ms, or raise it", waitMs);
                    return load;
                }
            } else {
                load.bucket = null;
            }
            load.inFlight++;
            return load;
        });
        if (verdict.refusal == null) {
            atEnd.accept(new Release(this, key));
        }
        return verdict.refusal;
    }

    private void release(String key) {
        loads.computeIfPresent(key, (k, load) -> {
            load.inFlight--;
            return load.idle() ? null : load;
        });
    }

    /** Callers with an entry (for tests: idle ones are forgotten). */
    int tracked() {
        return loads.size();
    }

    /** Gives one request's place back, once however often it is closed. */
    private static final class Release implements AutoCloseable {
        private final CallerLoads loads;
        private final String key;
        private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();

        Release(CallerLoads loads, String key) {
            this.loads = loads;
            this.key = key;
        }

        @Override
        public void close() {
            if (done.compareAndSet(false, true)) {
                loads.release(key);
            }
        }
    }
}
