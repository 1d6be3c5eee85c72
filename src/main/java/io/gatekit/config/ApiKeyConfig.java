package io.gatekit.config;

import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code proxy.http.auth.api_keys}: a key known only by its SHA-256 hash, so the config file never
 * holds a usable secret.
 *
 * @param name who the key belongs to; the caller's subject becomes {@code api-key:<name>}
 * @param sha256 the hex SHA-256 of the key (64 hex digits, either case; kept in lower case)
 * @param scopes the scopes a caller with this key has
 */
public record ApiKeyConfig(String name, String sha256, List<String> scopes) {
    public ApiKeyConfig {
        if (Objects.requireNonNull(name, "name").isBlank()) {
            throw new IllegalArgumentException("an api key's name must not be blank");
        }
        if (!Objects.requireNonNull(sha256, "sha256").matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("sha256 of api key '" + name + "' must be 64 hex digits");
        }
        sha256 = sha256.toLowerCase(java.util.Locale.ROOT);
        scopes = List.copyOf(scopes);
    }

    /** The hash as bytes, for a constant-time comparison. */
    public byte[] hash() {
        return HexFormat.of().parseHex(sha256);
    }
}
