package io.gatekit.routing;

import java.security.SecureRandom;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Random bytes for the gateway's tokens (list cursors, held calls' handles and states), made on first use: creating
 * the first {@link SecureRandom} (security providers, seeding) cost a cold start tens of milliseconds on the way to
 * the first answer, for keys that most sessions never use (ADR 0019).
 *
 * <p>Concurrency: the generator is created by class initialisation, once; a {@link Key} is made once, under its
 * own lock, and read through a volatile field after that.
 */
final class Secrets {
    private Secrets() {}

    /** The generator, created when first used (class initialisation is lazy and thread-safe). */
    private static final class Generator {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        Generator.RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** An HMAC-SHA256 key of 32 random bytes, one per owner, made when first asked for. */
    static final class Key {
        private volatile @Nullable SecretKeySpec key;

        SecretKeySpec get() {
            SecretKeySpec made = key;
            if (made == null) {
                synchronized (this) {
                    made = key;
                    if (made == null) {
                        made = new SecretKeySpec(randomBytes(32), "HmacSHA256");
                        key = made;
                    }
                }
            }
            return made;
        }
    }
}
