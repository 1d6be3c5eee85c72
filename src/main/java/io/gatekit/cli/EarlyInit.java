package io.gatekit.cli;

import java.lang.invoke.MethodHandles;
import java.math.BigDecimal;

/**
 * Class initialisation a launch command waits for later, begun at once on a daemon thread so that it overlaps the
 * main thread's own start-up work on the second core (ADR 0019). One class: {@link BigDecimal}, whose initialiser in
 * JDK 25 computes 5^(2^16) (its {@code FIVE_TO_2_TO} table), tens of milliseconds of interpreted arithmetic in a
 * cold JVM, and every JSON parser needs it (Jackson's parser base class holds {@code BigDecimal} constants). Racing
 * the main thread is safe: the JVM runs an initialiser once and a thread that needs the class meanwhile waits for
 * it, and this initialiser needs no class of Gatekit's or its libraries', so the two threads cannot wait on each
 * other.
 */
final class EarlyInit {
    private EarlyInit() {}

    static void begin() {
        Thread.ofPlatform().daemon().name("gatekit-early-init").start(() -> {
            try {
                MethodHandles.lookup().ensureInitialized(BigDecimal.class);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("java.math is always accessible", e);
            }
        });
    }
}
