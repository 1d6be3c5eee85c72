package io.gatekit.control;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A bounded wait queue that is fair across flows (clients): each flow has its own FIFO, and the flows with
 * something waiting take turns, weighted round robin, a flow of weight w being served up to w items per turn
 * (deficit round robin with every item costing one). So one flow with 400 items waiting delays another flow's
 * first item by at most one turn, not by 400 items, and a flow's own items stay in order.
 *
 * <p>Concurrency: none; the owner serialises every call (a {@link Ceiling} calls it under its own monitor). It is
 * deterministic, so its unit test needs no threads.
 *
 * @param <T> what waits; removed by identity
 */
final class FairQueue<T> {

    /** One flow's waiting items and its place in the rotation. */
    private static final class Flow<T> {
        final Object key;
        final ArrayDeque<T> items = new ArrayDeque<>();
        int weight;
        /** Items served in the flow's current turn. */
        int served;

        Flow(Object key, int weight) {
            this.key = key;
            this.weight = weight;
        }
    }

    private final Map<Object, Flow<T>> flows = new HashMap<>();
    /** The flows with something waiting, the one whose turn it is first. */
    private final ArrayDeque<Flow<T>> turns = new ArrayDeque<>();
    private int size;

    /**
     * Adds {@code item} at the end of {@code flow}'s FIFO, unless {@code bound} items are waiting already. A flow new to
     * the queue takes its turn after the flows already waiting. {@code weight} (at least 1) is the flow's from now on.
     */
    boolean offer(Object flow, int weight, T item, int bound) {
        if (size >= bound) {
            return false;
        }
        Flow<T> waiting = flows.get(flow);
        if (waiting == null) {
            waiting = new Flow<>(flow, Math.max(1, weight));
            flows.put(flow, waiting);
            turns.addLast(waiting);
        } else {
            waiting.weight = Math.max(1, weight);
        }
        waiting.items.addLast(item);
        size++;
        return true;
    }

    /** The next item in fair order, or null when nothing waits. */
    @Nullable T poll() {
        Flow<T> current = turns.peekFirst();
        if (current == null) {
            return null;
        }
        T item = current.items.pollFirst();
        size--;
        current.served++;
        if (current.items.isEmpty()) {
            turns.pollFirst();
            flows.remove(current.key);
        } else if (current.served >= current.weight) {
            current.served = 0;
            turns.addLast(turns.pollFirst());
        }
        return item;
    }

    /** Takes {@code item} out of {@code flow}'s FIFO (withdrawn before its turn); false if it is not waiting. */
    boolean remove(Object flow, T item) {
        Flow<T> waiting = flows.get(flow);
        if (waiting == null || !waiting.items.removeFirstOccurrence(item)) {
            return false;
        }
        size--;
        if (waiting.items.isEmpty()) {
            forget(waiting);
        }
        return true;
    }

    /** Takes out every waiting item that {@code test} accepts (the expired ones), in no particular order. */
    List<T> removeIf(Predicate<? super T> test) {
        List<T> removed = new ArrayList<>();
        for (Iterator<Flow<T>> it = turns.iterator(); it.hasNext(); ) {
            Flow<T> flow = it.next();
            for (Iterator<T> items = flow.items.iterator(); items.hasNext(); ) {
                T item = items.next();
                if (test.test(item)) {
                    items.remove();
                    removed.add(item);
                }
            }
            if (flow.items.isEmpty()) {
                it.remove();
                flows.remove(flow.key);
            }
        }
        size -= removed.size();
        return removed;
    }

    private void forget(Flow<T> flow) {
        flows.remove(flow.key);
        turns.remove(flow); // identity: Flow does not override equals
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** How many items {@code flow} has waiting. */
    int waiting(Object flow) {
        Flow<T> waiting = flows.get(flow);
        return waiting == null ? 0 : waiting.items.size();
    }
}
