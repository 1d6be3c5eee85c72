package io.gatekit.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.session.ClientSession;
import org.junit.jupiter.api.Test;

/** Reference counting alone: the upstream is subscribed by the first subscriber and released by the last. */
class SubscriptionsTest {
    private final Subscriptions subscriptions = new Subscriptions();
    private final ClientSession alice = new ClientSession("alice", message -> true);
    private final ClientSession bob = new ClientSession("bob", message -> true);
    private final Subscriptions.Key readme = new Subscriptions.Key("files", "file:///readme");
    private final Subscriptions.Key notes = new Subscriptions.Key("files", "file:///notes");

    @Test
    void onlyTheFirstSubscriberSubscribesUpstream() {
        assertThat(subscriptions.subscribe(readme, alice)).isTrue();
        assertThat(subscriptions.subscribe(readme, bob)).isFalse();
        assertThat(subscriptions.subscribe(readme, alice)).as("the same client again").isFalse();
        assertThat(subscriptions.subscribersOf(readme)).containsExactlyInAnyOrder(alice, bob);
    }

    @Test
    void onlyTheLastSubscriberLeavingUnsubscribesUpstream_once() {
        subscriptions.subscribe(readme, alice);
        subscriptions.subscribe(readme, bob);
        assertThat(subscriptions.unsubscribe(readme, alice)).isFalse();
        assertThat(subscriptions.unsubscribe(readme, alice)).as("again").isFalse();
        assertThat(subscriptions.unsubscribe(readme, bob)).isTrue();
        assertThat(subscriptions.unsubscribe(readme, bob)).as("again").isFalse();
        assertThat(subscriptions.subscribersOf(readme)).isEmpty();
        assertThat(subscriptions.subscribe(readme, bob)).as("a fresh first subscriber").isTrue();
    }

    @Test
    void unsubscribingWhatWasNeverSubscribedChangesNothing() {
        subscriptions.subscribe(readme, alice);
        assertThat(subscriptions.unsubscribe(notes, alice)).isFalse();
        assertThat(subscriptions.unsubscribe(readme, bob)).isFalse();
        assertThat(subscriptions.subscribersOf(readme)).containsExactly(alice);
    }

    @Test
    void aDepartingClientReleasesOnlyWhatNobodyElseWants() {
        subscriptions.subscribe(readme, alice);
        subscriptions.subscribe(readme, bob);
        subscriptions.subscribe(notes, alice);
        assertThat(subscriptions.dropClient(alice)).containsExactly(notes);
        assertThat(subscriptions.subscribersOf(readme)).containsExactly(bob);
        assertThat(subscriptions.dropClient(alice)).as("already gone").isEmpty();
        assertThat(subscriptions.dropClient(bob)).containsExactly(readme);
    }

    @Test
    void subscribersAreASnapshotAndUrisArePerUpstream() {
        subscriptions.subscribe(readme, alice);
        subscriptions.subscribe(new Subscriptions.Key("memory", "memory://graph"), bob);
        var snapshot = subscriptions.subscribersOf(readme);
        subscriptions.subscribe(readme, bob);
        assertThat(snapshot).containsExactly(alice);
        assertThat(subscriptions.urisOf("files")).containsExactly("file:///readme");
        assertThat(subscriptions.urisOf("memory")).containsExactly("memory://graph");
        assertThat(subscriptions.urisOf("nobody")).isEmpty();
    }
}
