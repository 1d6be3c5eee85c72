package io.gatekit.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A ceiling with its queue, single-threaded (tickets resumed inline): the fast path, hand-over in fair order, the
 * bound, withdrawal and expiry, and slots given back exactly once.
 */
class CeilingTest {
    private static final long FAR = Long.MAX_VALUE / 2;
    private final List<Runnable> resumed = new ArrayList<>();
    private final Ceiling ceiling = new Ceiling("upstream 'files'", "max_in_flight", 2, 3, task -> {
        resumed.add(task);
        task.run();
    });

    private Permit admitted(Object flow) {
        Admission decision = ceiling.admit(flow, 1, FAR);
        assertThat(decision).isInstanceOf(Admission.Admitted.class);
        return ((Admission.Admitted) decision).permit();
    }

    private Ticket queued(Object flow, long deadline) {
        Admission decision = ceiling.admit(flow, 1, deadline);
        assertThat(decision).isInstanceOf(Admission.Queued.class);
        return ((Admission.Queued) decision).ticket();
    }

    @Test
    void underTheCeilingEveryRequestIsAdmittedAtOnce() {
        admitted("a").close();
        admitted("a");
        admitted("b");
        assertThat(ceiling.inFlight()).isEqualTo(2);
        assertThat(ceiling.queued()).isZero();
    }

    @Test
    void overTheCeilingRequestsWait_andEachReleaseHandsItsSlotToTheNextInFairOrder() {
        Permit first = admitted("greedy");
        Permit second = admitted("greedy");
        Ticket g3 = queued("greedy", FAR);
        Ticket g4 = queued("greedy", FAR);
        Ticket light = queued("light", FAR);
        assertThat(ceiling.queued()).isEqualTo(3);

        first.close();
        assertThat(g3.ready()).isCompleted();
        assertThat(light.ready()).isNotCompleted();
        second.close();
        assertThat(light.ready()).as("the light client's turn comes before the greedy one's second").isCompleted();
        assertThat(g4.ready()).isNotCompleted();
        assertThat(ceiling.inFlight()).isEqualTo(2);

        g3.close();
        assertThat(g4.ready()).isCompleted();
        assertThat(resumed).hasSize(3);
        g3.close(); // a second close gives nothing back
        light.close();
        g4.close();
        assertThat(ceiling.inFlight()).isZero();
        assertThat(ceiling.queued()).isZero();
    }

    @Test
    void aNewcomerDoesNotOvertakeTheWaiting() {
        Permit first = admitted("a");
        admitted("a");
        Ticket waiting = queued("b", FAR);
        first.close();
        assertThat(waiting.ready()).isCompleted();
        queued("c", FAR); // the slot went to b, so c waits
    }

    @Test
    void aFullQueueRefusesWithQueueFull() {
        admitted("a");
        admitted("a");
        queued("a", FAR);
        queued("b", FAR);
        queued("c", FAR);
        Admission refused = ceiling.admit("d", 1, FAR);
        assertThat(refused).isInstanceOf(Admission.Rejected.class);
        GatewayException reason = ((Admission.Rejected) refused).reason();
        assertThat(reason.error().code()).isEqualTo(ErrorCode.OVERLOADED.code());
        assertThat(reason.error().data().path("reason").asString()).isEqualTo("queue_full");
        assertThat(reason.error().message()).contains("max_queued").contains("3 waiting");
    }

    @Test
    void aWithdrawnTicketLeavesTheQueueAtOnce_andIsNeverHandedASlot() {
        Permit first = admitted("a");
        admitted("a");
        Ticket withdrawn = queued("b", FAR);
        Ticket next = queued("c", FAR);
        withdrawn.withdraw();
        assertThat(withdrawn.ready()).isCompletedExceptionally();
        assertThat(ceiling.queued()).isEqualTo(1);
        first.close();
        assertThat(next.ready()).isCompleted();
        withdrawn.close(); // holds nothing: no slot is given back
        assertThat(ceiling.inFlight()).isEqualTo(2);
        assertThat(withdrawn.ready().handle((v, e) -> e).join()).isInstanceOf(CancellationException.class);
    }

    @Test
    void closingAWaitingTicketWithdrawsIt() {
        admitted("a");
        admitted("a");
        Ticket ticket = queued("b", FAR);
        ticket.close();
        assertThat(ceiling.queued()).isZero();
        assertThat(ticket.ready()).isCompletedExceptionally();
    }

    @Test
    void aTicketPastItsDeadlineIsRefusedWithDeadlineExceeded_theOthersWaitOn() {
        admitted("a");
        admitted("a");
        Ticket soon = queued("b", 100);
        Ticket later = queued("c", 300);
        ceiling.expire(99);
        assertThat(soon.ready()).isNotCompleted();
        ceiling.expire(200);
        assertThat(soon.ready()).isCompletedExceptionally();
        assertThat(later.ready()).isNotCompleted();
        assertThat(ceiling.queued()).isEqualTo(1);
        Throwable failure = soon.ready().handle((v, e) -> e).join();
        GatewayException refusal = (GatewayException) (failure instanceof CompletionException c ? c.getCause() : failure);
        assertThat(refusal.error().code()).isEqualTo(ErrorCode.REQUEST_TIMEOUT.code());
        assertThat(refusal.error().data().path("reason").asString()).isEqualTo("deadline_exceeded");
        assertThat(refusal.error().message()).contains("request_timeout").contains("max_in_flight");
        soon.close();
        assertThat(ceiling.inFlight()).isEqualTo(2);
    }

    @Test
    void aCeilingWithNoQueueRefusesAtOnce() {
        Ceiling strict = new Ceiling("upstream 'x'", "max_in_flight", 1, 0, Runnable::run);
        assertThat(strict.admit("a", 1, FAR)).isInstanceOf(Admission.Admitted.class);
        assertThat(strict.admit("a", 1, FAR)).isInstanceOf(Admission.Rejected.class);
    }
}
