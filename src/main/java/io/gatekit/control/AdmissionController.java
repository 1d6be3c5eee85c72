package io.gatekit.control;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.session.ClientSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Decides whether a request may go upstream now. Each upstream has an in-flight ceiling
 * ({@code max_in_flight}) and each client one of its own ({@code max_in_flight_per_client}), so one busy
 * client cannot take every slot of an upstream from the others. Excess requests are rejected at once with
 * {@link ErrorCode#OVERLOADED} and a message naming the setting: a full gateway answers, it never hangs.
 * This is the one place where requests are admitted. Thread-safe and lock-free.
 *
 * <p>Concurrency: lock-free on the request path. Upstream ceilings are semaphores in a concurrent map: admitting is a
 * {@code tryAcquire}, and the {@link Permit}'s close releases from whichever thread settles the call. The per-client
 * check reads the session's in-flight count without reserving, so it is exact when one reader thread admits a
 * client's requests in order (stdio) and may be passed by a few when one client's requests arrive on several threads
 * at once (HTTP). A hot reload changes ceilings in place: the per-client one is a volatile field; an upstream's
 * semaphore gains or loses permits (so requests in flight keep counting against it), which {@code resize} does under
 * the ceiling's own monitor, off the request path; {@code limit} is volatile, and {@link #inFlight} may be off by the
 * change while a resize is under way.
 */
public final class AdmissionController {
    private final Map<String, Ceiling> upstreams = new ConcurrentHashMap<>();
    private volatile int maxInFlightPerClient;

    /** An upstream's ceiling; its semaphore is resized in place, so permits taken before a resize stay counted. */
    private static final class Ceiling {
        private final Slots slots;
        private volatile int limit;

        Ceiling(int limit) {
            this.limit = limit;
            this.slots = new Slots(limit);
        }

        synchronized void resize(int next) {
            int change = next - limit;
            if (change > 0) {
                slots.release(change);
            } else if (change < 0) {
                slots.shrink(-change); // may go negative: new requests wait out the excess already in flight
            }
            limit = next;
        }
    }

    /** A semaphore whose permits can be taken away without waiting for them. */
    private static final class Slots extends Semaphore {
        private static final long serialVersionUID = 1L;

        Slots(int permits) {
            super(permits);
        }

        void shrink(int by) {
            reducePermits(by);
        }
    }

    /** A client's admission holds no slot of its own (its requests are counted where they are registered). */
    private static final Admission ADMITTED_CLIENT = new Admission.Admitted(Permit.NONE);

    public AdmissionController(int maxInFlightPerClient) {
        this.maxInFlightPerClient = maxInFlightPerClient;
    }

    /** Sets an upstream's ceiling, or changes it (hot reload) with its requests in flight still counted. */
    public void configure(String upstream, int maxInFlight) {
        upstreams.compute(upstream, (name, ceiling) -> {
            if (ceiling == null) {
                return new Ceiling(maxInFlight);
            }
            ceiling.resize(maxInFlight);
            return ceiling;
        });
    }

    /** Changes the per-client ceiling (hot reload); requests already admitted stay. */
    public void reconfigure(int maxInFlightPerClient) {
        this.maxInFlightPerClient = maxInFlightPerClient;
    }

    /**
     * Admits a new request of {@code client}, just registered (so counted among its requests in flight). Called on
     * the client's reader thread, the only one that adds requests, so the count it sees cannot be raced upward.
     */
    public Admission admitClient(ClientSession client) {
        int ceiling = maxInFlightPerClient;
        if (client.inFlightCount() > ceiling) {
            return new Admission.Rejected(new GatewayException(ErrorCode.OVERLOADED,
                    "Too many requests in flight from this client (limit " + ceiling
                            + ", proxy.limits.max_in_flight_per_client); retry when some have completed"));
        }
        return ADMITTED_CLIENT;
    }

    /** Admits one request to {@code upstream}; the permit must be closed when the request ends. */
    public Admission admit(String upstream) {
        Ceiling ceiling = upstreams.get(upstream);
        if (ceiling == null) {
            return new Admission.Rejected(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
                    "Upstream '" + upstream + "' is not configured"));
        }
        if (!ceiling.slots.tryAcquire()) {
            return new Admission.Rejected(new GatewayException(ErrorCode.OVERLOADED,
                    "Upstream '" + upstream + "' already has " + ceiling.limit
                            + " requests in flight (its max_in_flight); retry when some have completed"));
        }
        return new Admission.Admitted(new Permit(ceiling.slots));
    }

    /** Requests currently admitted to {@code upstream}. */
    public int inFlight(String upstream) {
        Ceiling ceiling = upstreams.get(upstream);
        return ceiling == null ? 0 : ceiling.limit - ceiling.slots.availablePermits();
    }
}
