package io.gatekit.control;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A slot under an in-flight ceiling, released exactly once however often {@link #close} is called.
 *
 * <p>Concurrency: the client's cancel, the upstream's response and the sweeper may all close a permit at once; the
 * atomic flag lets exactly one of them release the slot.
 */
public final class Permit implements AutoCloseable {
    /** A permit that holds no slot: for checks that count requests elsewhere. */
    public static final Permit NONE = new Permit(null);

    private final @Nullable Semaphore slots;
    private final AtomicBoolean released = new AtomicBoolean();

    Permit(@Nullable Semaphore slots) {
        this.slots = slots;
    }

    @Override
    public void close() {
        if (slots != null && released.compareAndSet(false, true)) {
            slots.release();
        }
    }
}
