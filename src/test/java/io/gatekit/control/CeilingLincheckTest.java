package io.gatekit.control;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * The hand-over of a {@link Ceiling} never strands a slot: in every interleaving Lincheck's model checker explores of
 * requests arriving, slots released and waiting requests withdrawn, once all is quiet nobody waits while a slot is
 * free. (Admission is deliberately not linearizable against a strict first-come order, so the operations return
 * nothing and the property is checked by {@link Validate}.) The always-explored scenario is the lost hand-over: a
 * release racing a request that finds the ceiling full and queues; without the queuing side's second look at the
 * semaphore, the released slot stays free while the request waits.
 */
class CeilingLincheckTest {

    public static class CeilingModel {
        /** Requests are resumed inline; once resumed, a request holds its slot until a {@code release}. */
        private final Ceiling ceiling = new Ceiling("upstream 'x'", "max_in_flight", 1, 4, Runnable::run);
        private final ConcurrentLinkedQueue<Slot> holding = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<Ticket> waiting = new ConcurrentLinkedQueue<>();

        @Operation
        public void request() {
            switch (ceiling.admit(Thread.currentThread().getName(), 1, Long.MAX_VALUE / 2)) {
                case Admission.Admitted(Permit permit) -> holding.add(permit);
                case Admission.Queued(Ticket ticket) -> {
                    waiting.add(ticket);
                    // The stage is dropped: it only records that the ticket now holds a slot.
                    var _ = ticket.ready().thenRun(() -> holding.add(ticket));
                }
                case Admission.Rejected(var ignored) -> { }
            }
        }

        @Operation
        public void release() {
            Slot held = holding.poll();
            if (held != null) {
                held.close();
            }
        }

        @Operation
        public void withdraw() {
            Ticket ticket = waiting.poll();
            if (ticket != null) {
                ticket.withdraw();
            }
        }

        @Validate
        public void noSlotIsFreeWhileARequestWaits() {
            if (ceiling.queued() > 0 && ceiling.inFlight() < ceiling.limit()) {
                throw new IllegalStateException(ceiling.queued() + " waiting with " + ceiling.inFlight() + " of "
                        + ceiling.limit() + " slots in use");
            }
        }
    }

    @Test
    void modelCheckingFindsNoStrandedSlot() {
        assertThatCode(() -> new ModelCheckingOptions().iterations(2).invocationsPerIteration(150)
                .threads(2).actorsPerThread(3).actorsBefore(1)
                .addCustomScenario(releaseRacingARequestThatQueues())
                .check(CeilingModel.class))
                .doesNotThrowAnyException();
    }

    /** One request holds the slot; then it is released while another request finds the ceiling full and queues. */
    private static ExecutionScenario releaseRacingARequestThatQueues() {
        return new ExecutionScenario(List.of(actor("request")),
                List.of(List.of(actor("release")), List.of(actor("request"))),
                List.of(), null);
    }

    private static Actor actor(String operation) {
        try {
            return new Actor(CeilingModel.class.getMethod(operation), List.of());
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }
}
