package io.gatekit.scaleout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatekit.session.ClientInfo;
import io.gatekit.session.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class SessionTokensTest {
    private static final String KEY = "k".repeat(32) + "-current";
    private static final String OLD_KEY = "o".repeat(32) + "-previous";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T12:00:00Z"));

    private SessionTokens tokens(List<String> secrets) {
        return new SessionTokens(SessionKeys.derive(secrets, Duration.ofHours(1), clock), Duration.ofHours(24), clock);
    }

    private SessionSnapshot snapshot() {
        ClientInfo info = new ClientInfo("2025-06-18", JSON.readTree("{\"roots\":{\"listChanged\":true},\"sampling\":{}}"),
                JSON.readTree("{\"name\":\"inspector\",\"version\":\"1.2\"}"));
        return new SessionSnapshot(new Principal("alice", Map.of("scope", "tools:read", "tenant", 7)), info, "debug",
                Instant.parse("2026-12-03T11:59:00Z"));
    }

    @Test
    void aSealedSnapshotOpensToTheSameSnapshotAndIsAVisibleAsciiHeaderValue() {
        SessionTokens tokens = tokens(List.of(KEY));
        String token = tokens.seal(snapshot());

        assertThat(token).matches("[A-Za-z0-9_-]+");
        assertThat(tokens.open(token)).contains(snapshot());
        assertThat(tokens.seal(snapshot())).as("a fresh nonce each time").isNotEqualTo(token);
    }

    @Test
    void anAnonymousClientWithoutLevelRoundTrips() {
        SessionTokens tokens = tokens(List.of(KEY));
        SessionSnapshot anonymous = new SessionSnapshot(Principal.ANONYMOUS, ClientInfo.UNKNOWN, null, Instant.ofEpochSecond(1_796_000_000L));
        clock.set(Instant.ofEpochSecond(1_796_000_000L));

        assertThat(tokens.open(tokens.seal(anonymous))).contains(anonymous);
    }

    @Test
    void everyFlippedBitIsRefused() {
        SessionTokens tokens = tokens(List.of(KEY));
        byte[] raw = Base64.getUrlDecoder().decode(tokens.seal(snapshot()));
        for (int i = 0; i < raw.length; i++) {
            byte[] tampered = raw.clone();
            tampered[i] ^= 0x01;
            assertThat(tokens.open(Base64.getUrlEncoder().withoutPadding().encodeToString(tampered)))
                    .as("bit flipped in byte %d", i).isEmpty();
        }
    }

    @Test
    void foreignAndMalformedIdsAreRefused() {
        SessionTokens tokens = tokens(List.of(KEY));
        String foreign = tokens(List.of("f".repeat(40))).seal(snapshot());

        assertThat(tokens.open(foreign)).isEmpty();
        assertThat(tokens.open("")).isEmpty();
        assertThat(tokens.open("Y2xpZW50LXNlc3Npb24tMTIz")).as("a random legacy id").isEmpty();
        assertThat(tokens.open("not base64 at all !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")).isEmpty();
        assertThat(tokens.open("A".repeat(9000))).isEmpty();
        assertThat(tokens.open(tokens.seal(snapshot()).substring(0, 30))).isEmpty();
    }

    @Test
    void aRotatedKeyStillOpensOlderTokensUntilTheGraceWindowEnds() {
        String before = tokens(List.of(OLD_KEY)).seal(snapshot());
        SessionTokens rotated = tokens(List.of(KEY, OLD_KEY));

        assertThat(rotated.open(before)).contains(snapshot());
        String after = rotated.seal(snapshot());
        assertThat(tokens(List.of(KEY)).open(after)).as("new tokens use the new key").contains(snapshot());

        clock.set(clock.instant().plus(Duration.ofMinutes(61)));
        assertThat(rotated.open(before)).as("grace over").isEmpty();
        assertThat(rotated.open(after)).contains(snapshot());
    }

    @Test
    void anExpiredTokenIsRefused() {
        SessionTokens tokens = tokens(List.of(KEY));
        String token = tokens.seal(snapshot());

        clock.set(Instant.parse("2026-12-04T11:58:00Z"));
        assertThat(tokens.open(token)).isPresent();
        clock.set(Instant.parse("2026-12-04T12:00:00Z"));
        assertThat(tokens.open(token)).isEmpty();
    }

    @Test
    void theSameSecretTwiceIsAConfigurationMistake() {
        assertThatThrownBy(() -> tokens(List.of(KEY, KEY))).isInstanceOf(IllegalArgumentException.class);
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
