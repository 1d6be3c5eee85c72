package io.gatekit.scaleout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.KDF;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;
import org.jspecify.annotations.Nullable;

/**
 * The AES-256 keys session tokens are sealed with, derived once at start from the configured secrets with
 * HKDF-SHA256 (so no request pays for a derivation). The first key seals; every key opens, a previous one only
 * until the rotation's grace window ends. Each key has a 4-byte id, derived from its secret too, written in
 * front of every token so that opening tries one key, not all.
 */
public final class SessionKeys {
    private static final byte[] SALT = "gatekit session token salt v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_INFO = "gatekit session token key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_INFO = "gatekit session token key id".getBytes(StandardCharsets.US_ASCII);

    /** One key, usable to open tokens until {@code openUntil}. */
    record Key(int id, SecretKey secret, Instant openUntil) {}

    private final Key current;
    private final List<Key> previous;
    private final Clock clock;

    private SessionKeys(Key current, List<Key> previous, Clock clock) {
        this.current = current;
        this.previous = List.copyOf(previous);
        this.clock = clock;
    }

    /** Keys from {@code secrets} (the first seals); the others open until {@code grace} after now. */
    public static SessionKeys derive(List<String> secrets, Duration grace, Clock clock) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one session key secret is needed");
        }
        Instant now = clock.instant();
        Key first = derive(secrets.getFirst(), Instant.MAX);
        List<Key> older = new ArrayList<>();
        for (String secret : secrets.subList(1, secrets.size())) {
            Key key = derive(secret, now.plus(grace));
            if (key.id() == first.id() || older.stream().anyMatch(k -> k.id() == key.id())) {
                throw new IllegalArgumentException("two session keys are the same secret (or share a key id)");
            }
            older.add(key);
        }
        return new SessionKeys(first, older, clock);
    }

    private static Key derive(String secret, Instant openUntil) {
        byte[] ikm = secret.getBytes(StandardCharsets.UTF_8);
        try {
            KDF hkdf = KDF.getInstance("HKDF-SHA256");
            SecretKey aes = hkdf.deriveKey("AES",
                    HKDFParameterSpec.ofExtract().addIKM(ikm).addSalt(SALT).thenExpand(KEY_INFO, 32));
            byte[] id = hkdf.deriveData(HKDFParameterSpec.ofExtract().addIKM(ikm).addSalt(SALT).thenExpand(ID_INFO, 4));
            return new Key(ByteBuffer.wrap(id).getInt(), aes, openUntil);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 is not available in this JDK", e);
        }
    }

    Key sealing() {
        return current;
    }

    /** The key with that id that may open a token now, or null. */
    @Nullable Key opening(int id) {
        if (current.id() == id) {
            return current;
        }
        for (Key key : previous) {
            if (key.id() == id) {
                return clock.instant().isBefore(key.openUntil()) ? key : null;
            }
        }
        return null;
    }
}
