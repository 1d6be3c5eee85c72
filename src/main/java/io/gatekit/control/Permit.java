package io.gatekit.control;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * A slot under an in-flight ceiling, taken at once (the fast path: nobody was waiting), released exactly once however
 * often {@link #close} is called; releasing hands the slot to the next request waiting, if any.
 *
 * <p>Concurrency: the client's cancel, the upstream's response and the sweeper may all close a permit at once; the
 * compare-and-set on {@code released} lets exactly one of them release the slot.
 */
public final class Permit implements Slot {
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

    private final @Nullable Ceiling ceiling;
    /** Set once, by compare-and-set through {@link #RELEASED} (one object per request, not two). */
    @SuppressWarnings("unused")
    private volatile boolean released;

    Permit(@Nullable Ceiling ceiling) {
        this.ceiling = ceiling;
    }

    @Override
    public void close() {
        if (ceiling != null && RELEASED.compareAndSet(this, false, true)) {
            ceiling.release();
        }
    }
}
