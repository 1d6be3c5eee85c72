package io.gatekit.scaleout;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/** The one way the gateway makes a Redis client: what happens while Redis is away is decided here (ADR 0027). */
final class RedisClients {
    /** No command waits longer: past it the caller degrades (ADR 0027, "Redis down"), it never hangs. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private RedisClients() {}

    /**
     * A client that reconnects by itself and, while disconnected, fails commands at once instead of queueing them
     * for a Redis that may not come back soon.
     */
    static RedisClient create(URI uri) {
        RedisClient client = RedisClient.create(RedisURI.create(uri));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        return client;
    }

    /**
     * A short stand-in for a long or private name in a key (a session token, a caller): a 128-bit SHA-256 prefix,
     * as hex, so keys stay short and Redis holds no token or subject.
     */
    static String hash(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    /** Where a message may name the Redis without its credentials. */
    static String describe(URI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }
}
