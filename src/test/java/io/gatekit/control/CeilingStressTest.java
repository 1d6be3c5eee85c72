package io.gatekit.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link Ceiling} under contention: threads admit, wait, withdraw and release at random. Two properties the
 * single-threaded tests cannot show: no slot is stranded while a ticket waits (a lost hand-over leaves a thread
 * waiting with every other thread finished, and its bounded wait fails), and slots are conserved (when every request
 * has ended, nothing is in flight and nothing waits, whichever of a withdrawal and a hand-over won each race).
 */
class CeilingStressTest {
    private static final int THREADS = 4;
    private static final int ROUNDS = 30_000;

    @Test
    @Timeout(120)
    void everyWaitingRequestIsHandedASlotOrWithdrawn_andEverySlotComesBack() throws Exception {
        // Tickets resume inline on the releasing thread: the hand-over itself is what is under test.
        Ceiling ceiling = new Ceiling("upstream 'x'", "max_in_flight", 1, Integer.MAX_VALUE, Runnable::run);
        List<Future<Integer>> workers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                long seed = t;
                workers.add(pool.submit(() -> run(ceiling, seed)));
            }
            int waited = 0;
            for (Future<Integer> worker : workers) {
                waited += worker.get(100, TimeUnit.SECONDS);
            }
            assertThat(waited).as("the queue was exercised").isPositive();
        }
        assertThat(ceiling.inFlight()).isZero();
        assertThat(ceiling.queued()).isZero();
    }

    /** One thread's requests; how many of them waited in the queue. */
    private static int run(Ceiling ceiling, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        String flow = "client-" + seed;
        int waited = 0;
        for (int i = 0; i < ROUNDS; i++) {
            Slot slot = switch (ceiling.admit(flow, 1 + random.nextInt(2), Long.MAX_VALUE / 2)) {
                case Admission.Admitted(Permit permit) -> permit;
                case Admission.Queued(Ticket ticket) -> {
                    waited++;
                    if (random.nextInt(4) == 0) {
                        ticket.withdraw(); // races a hand-over: either may win
                    }
                    try {
                        ticket.ready().get(10, TimeUnit.SECONDS); // a stranded ticket times out here
                    } catch (CancellationException withdrawn) {
                        // the withdrawal won
                    }
                    yield ticket;
                }
                case Admission.Rejected(var reason) -> throw new AssertionError("unbounded queue refused", reason);
            };
            if (random.nextInt(8) == 0) {
                Thread.yield(); // hold the slot a little longer now and then, so others queue
            }
            slot.close();
            if (random.nextInt(16) == 0) {
                slot.close(); // a second close gives nothing back
            }
        }
        return waited;
    }
}
