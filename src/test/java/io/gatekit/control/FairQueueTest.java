package io.gatekit.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fair queue alone, single-threaded: per-flow FIFO, weighted turns, the bound, removal. */
class FairQueueTest {
    private final FairQueue<String> queue = new FairQueue<>();

    private List<String> drain() {
        List<String> order = new ArrayList<>();
        for (String next = queue.poll(); next != null; next = queue.poll()) {
            order.add(next);
        }
        return order;
    }

    @Test
    void oneFlowIsServedInArrivalOrder() {
        for (int i = 1; i <= 4; i++) {
            assertThat(queue.offer("greedy", 1, "g" + i, 100)).isTrue();
        }
        assertThat(drain()).containsExactly("g1", "g2", "g3", "g4");
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void aLightFlowArrivingBehindAGreedyBacklogIsServedEveryOtherTurn() {
        for (int i = 1; i <= 400; i++) {
            queue.offer("greedy", 1, "g" + i, 1000);
        }
        for (int i = 1; i <= 3; i++) {
            queue.offer("light", 1, "l" + i, 1000);
        }
        List<String> order = drain();
        assertThat(order.subList(0, 6)).containsExactly("g1", "l1", "g2", "l2", "g3", "l3");
        assertThat(order.subList(6, 10)).containsExactly("g4", "g5", "g6", "g7");
        assertThat(order).hasSize(403);
    }

    @Test
    void aFlowOfWeightTwoIsServedTwoForTheOthersOne() {
        for (int i = 1; i <= 4; i++) {
            queue.offer("a", 1, "a" + i, 100);
            queue.offer("b", 2, "b" + i, 100);
        }
        assertThat(drain()).containsExactly("a1", "b1", "b2", "a2", "b3", "b4", "a3", "a4");
    }

    @Test
    void threeFlowsTakeTurnsInTheOrderTheyArrived() {
        queue.offer("a", 1, "a1", 100);
        queue.offer("a", 1, "a2", 100);
        queue.offer("b", 1, "b1", 100);
        queue.offer("c", 1, "c1", 100);
        queue.offer("c", 1, "c2", 100);
        assertThat(drain()).containsExactly("a1", "b1", "c1", "a2", "c2");
    }

    @Test
    void theBoundCountsEveryFlow() {
        assertThat(queue.offer("a", 1, "a1", 2)).isTrue();
        assertThat(queue.offer("b", 1, "b1", 2)).isTrue();
        assertThat(queue.offer("c", 1, "c1", 2)).isFalse();
        assertThat(queue.size()).isEqualTo(2);
        queue.poll();
        assertThat(queue.offer("c", 1, "c1", 2)).isTrue();
    }

    @Test
    void aRemovedItemFreesItsPlaceAndAnEmptiedFlowLeavesTheRotation() {
        queue.offer("a", 1, "a1", 3);
        queue.offer("b", 1, "b1", 3);
        queue.offer("a", 1, "a2", 3);
        assertThat(queue.remove("b", "b1")).isTrue();
        assertThat(queue.remove("b", "b1")).isFalse();
        assertThat(queue.waiting("b")).isZero();
        assertThat(queue.offer("c", 1, "c1", 3)).isTrue();
        assertThat(drain()).containsExactly("a1", "c1", "a2");
    }

    @Test
    void removeIfTakesOutOnlyWhatItAccepts_keepingTheRestInOrder() {
        for (int i = 1; i <= 4; i++) {
            queue.offer("a", 1, "a" + i, 100);
        }
        queue.offer("b", 1, "b1", 100);
        assertThat(queue.removeIf(item -> item.equals("a2") || item.equals("b1"))).containsExactlyInAnyOrder("a2", "b1");
        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.waiting("b")).isZero();
        assertThat(drain()).containsExactly("a1", "a3", "a4");
    }

    @Test
    void anEmptyQueuePollsNull() {
        assertThat(queue.poll()).isNull();
        queue.offer("a", 1, "a1", 1);
        queue.poll();
        assertThat(queue.poll()).isNull();
        assertThat(queue.isEmpty()).isTrue();
    }
}
