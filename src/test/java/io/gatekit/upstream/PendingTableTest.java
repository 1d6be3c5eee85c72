package io.gatekit.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The table alone: the idle short cut of values(), the overflow map, drain and size. */
class PendingTableTest {

    private static PendingCall call(long id) {
        return new PendingCall(id, "tools/call", null, null, new CompletableFuture<>(), 0);
    }

    @Test
    void anIdleTableIsSweptWithoutReadingItsSlots() {
        PendingTable table = new PendingTable();
        for (int tick = 0; tick < 100; tick++) {
            assertThat(table.values()).isEmpty();
        }
        PendingCall answered = call(7);
        table.put(answered);
        assertThat(table.remove(7)).isSameAs(answered);
        assertThat(table.values()).isEmpty();
        // Before this, every 20 ms tick read all 16,384 slots of every upstream's table, busy or not.
        assertThat(table.scans()).isZero();
    }

    @Test
    void aBusyTableIsScannedAndShowsEveryCall() {
        PendingTable table = new PendingTable();
        PendingCall first = call(1);
        PendingCall second = call(2);
        table.put(first);
        table.put(second);
        assertThat(table.values()).containsExactlyInAnyOrder(first, second);
        assertThat(table.scans()).isEqualTo(1);
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void aCallWhoseSlotIsTakenGoesToTheOverflowAndIsFoundThere() {
        PendingTable table = new PendingTable(4);
        PendingCall old = call(1);
        PendingCall young = call(5); // slot 1 too
        table.put(old);
        table.put(young);
        assertThat(table.get(5)).isSameAs(young);
        assertThat(table.values()).containsExactlyInAnyOrder(old, young);
        assertThat(table.remove(young)).isTrue();
        assertThat(table.remove(young)).isFalse();
        assertThat(table.remove(1)).isSameAs(old);
        assertThat(table.remove(1)).isNull();
        assertThat(table.size()).isZero();
        assertThat(table.values()).isEmpty();
    }

    @Test
    void drainEmptiesTheTableOnce() {
        PendingTable table = new PendingTable(4);
        PendingCall a = call(1);
        PendingCall b = call(5);
        PendingCall c = call(2);
        table.put(a);
        table.put(b);
        table.put(c);
        assertThat(table.drain()).containsExactlyInAnyOrder(a, b, c);
        assertThat(table.drain()).isEmpty();
        assertThat(table.size()).isZero();
        assertThat(table.get(1)).isNull();
        assertThat(table.get(5)).isNull();
    }

    @Test
    void aCapacityThatIsNotAPowerOfTwoIsRefused() {
        assertThatThrownBy(() -> new PendingTable(6)).isInstanceOf(IllegalArgumentException.class);
    }
}
