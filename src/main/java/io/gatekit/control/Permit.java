package io.gatekit.control;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;

/**
 * A slot under an in-flight ceiling, released exactly once however often {@link #close} is called.
 *
 * <p>Concurrency: the client's cancel, the upstream's response and the sweeper may all close a permit at once; the
 * compare-and-set on {@code released} lets exactly one of them release the slot.
 */
public final class Permit implements AutoCloseable {
    /** A permit that holds no slot: for checks that count requests elsewhere. */
    public static final Permit NONE = new Permit(null);

    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(Permit.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final @Nullable Semaphore slots;
    /** Set once, by compare-and-set through {@link #RELEASED} (one object per request, not two). */
    @SuppressWarnings("unused")
    private volatile boolean released;

    Permit(@Nullable Semaphore slots) {
        this.slots = slots;
    }

    @Override
    public void close() {
        if (slots != null && RELEASED.compareAndSet(this, false, true)) {
            slots.release();
        }
    }
}
