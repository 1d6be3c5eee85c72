package io.gatekit.security.auth;

import io.gatekit.config.ApiKeyConfig;
import io.gatekit.session.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The configured API keys, known by their SHA-256 only. A presented key is hashed and compared with every
 * configured hash in constant time, all of them every time, so neither the comparison nor which entry matched
 * shows in the timing.
 */
final class ApiKeys {
    /** The prefix of an API-key caller's subject, so no key name can pose as a token's subject. */
    static final String SUBJECT_PREFIX = "api-key:";

    /** One configured key: its hash (compared, never shown) and the caller it stands for. */
    private static final class Entry {
        private final byte[] hash;
        private final Principal principal;

        Entry(byte[] hash, Principal principal) {
            this.hash = hash;
            this.principal = principal;
        }
    }

    private final List<Entry> entries;

    ApiKeys(List<ApiKeyConfig> keys) {
        this.entries = keys.stream().map(key -> new Entry(key.hash(), new Principal(SUBJECT_PREFIX + key.name(),
                Map.of("api_key", key.name(), "scope", String.join(" ", key.scopes()))))).toList();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The caller {@code presented} identifies, or null when it is no configured key. */
    @Nullable Principal match(String presented) {
        byte[] hash = sha256(presented);
        Principal found = null;
        for (Entry entry : entries) {
            // No early exit: every entry costs the same whether or not an earlier one matched.
            if (MessageDigest.isEqual(entry.hash, hash) && found == null) {
                found = entry.principal;
            }
        }
        return found;
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
