package io.gatekit.control;

/**
 * What a request holds under a ceiling until it ends: a {@link Permit} taken at once, or a {@link Ticket} that
 * waited in the queue (a place in it, then the slot it was handed). Closing it gives back whichever it holds, exactly
 * once however often it is closed.
 */
public sealed interface Slot extends AutoCloseable permits Permit, Ticket {
    @Override
    void close();
}
