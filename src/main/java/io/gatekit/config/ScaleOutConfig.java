package io.gatekit.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code proxy.http.scale_out} section: what lets several gateway instances serve the same sessions behind a
 * load balancer without sticky sessions (ADR 0027). Session ids become AEAD-encrypted tokens under
 * {@code sessionSecrets}; with {@code redis} the instances share what cannot travel in a token.
 *
 * @param sessionSecrets the secrets session tokens are sealed with, each at least 32 bytes: the first seals new
 *     tokens, the others (previous keys, during a rotation) only open tokens sealed before
 * @param keyGrace how long after start an instance still accepts tokens sealed with a previous key, default 1 h
 * @param sessionMaxAge how long a token is valid after its {@code initialize}, default 24 h
 * @param redis the Redis holding the instances' shared state ({@code redis://host:port[/db]}); empty for one
 *     instance, which then keeps everything in process
 */
public record ScaleOutConfig(List<String> sessionSecrets, Duration keyGrace, Duration sessionMaxAge,
        Optional<URI> redis) {

    static final Duration DEFAULT_KEY_GRACE = Duration.ofHours(1);
    static final Duration DEFAULT_SESSION_MAX_AGE = Duration.ofHours(24);
    /** 256 bits, however the secret is written: HKDF stretches nothing, so a short secret would be a weak key. */
    public static final int MIN_SECRET_BYTES = 32;

    public ScaleOutConfig {
        sessionSecrets = List.copyOf(sessionSecrets);
        if (sessionSecrets.isEmpty()) {
            throw new IllegalArgumentException("scale_out needs session_key or session_key_file");
        }
        for (String secret : sessionSecrets) {
            if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("a session key must be at least " + MIN_SECRET_BYTES
                        + " bytes (e.g. `openssl rand -base64 32`)");
            }
        }
        if (Objects.requireNonNull(keyGrace, "keyGrace").isNegative()) {
            throw new IllegalArgumentException("scale_out key_grace must not be negative");
        }
        if (Objects.requireNonNull(sessionMaxAge, "sessionMaxAge").isNegative() || sessionMaxAge.isZero()) {
            throw new IllegalArgumentException("scale_out session_max_age must be positive");
        }
        Objects.requireNonNull(redis, "redis").ifPresent(uri -> {
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
                throw new IllegalArgumentException("scale_out redis must be a redis:// or rediss:// URI, got " + uri);
            }
        });
    }

    /** Tokens under one secret, defaults elsewhere, no Redis (tests and embedders). */
    public static ScaleOutConfig of(String secret, Optional<URI> redis) {
        return new ScaleOutConfig(List.of(secret), DEFAULT_KEY_GRACE, DEFAULT_SESSION_MAX_AGE, redis);
    }

    /** Never print the secrets. */
    @Override
    public String toString() {
        return "ScaleOutConfig[keys=" + sessionSecrets.size() + ", keyGrace=" + keyGrace + ", sessionMaxAge="
                + sessionMaxAge + ", redis=" + redis.map(uri -> uri.getHost() + ":" + uri.getPort()).orElse("none") + "]";
    }
}
