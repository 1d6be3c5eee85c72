package io.gatekit.scaleout;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link SharedState} in Redis, through Lettuce (one multiplexed connection for commands, one for pub/sub; both
 * reconnect by themselves and the subscription is renewed after a Redis restart). Ended sessions and log levels
 * are keys that expire with the token ({@code gatekit:ended:<hash>}, {@code gatekit:level:<hash>}, the hash a
 * SHA-256 prefix of the token so keys stay short); what an instance tells the others is one JSON message on the
 * channel {@code gatekit:sessions}, which every instance hears and applies to the sessions it holds.
 *
 * <p>While Redis is unreachable commands fail within the command timeout instead of queueing: a session is then
 * taken as not ended (a DELETE may be missed, a request is never refused for want of Redis), a level or an
 * announcement is lost and logged. Requests of sessions an instance already serves never touch Redis.
 */
public final class RedisState implements SharedState {
    private static final Logger log = LoggerFactory.getLogger(RedisState.class);
    static final String CHANNEL = "gatekit:sessions";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final Duration keep;
    /** Marks this instance's own announcements, which it has already applied. */
    private final String origin = UUID.randomUUID().toString();
    private final CopyOnWriteArrayList<Consumer<SessionEvent>> listeners = new CopyOnWriteArrayList<>();

    private RedisState(RedisClient client, Duration keep) {
        this.client = client;
        this.keep = keep;
        this.connection = client.connect();
        this.redis = connection.sync();
        this.pubSub = client.connectPubSub();
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                SessionEvent event = parse(message);
                if (event != null) {
                    // Off Lettuce's event loop: applying may end a session, which cancels its work.
                    Thread.ofVirtual().name("gatekit-redis-event").start(() -> listeners.forEach(l -> l.accept(event)));
                }
            }
        });
        pubSub.sync().subscribe(CHANNEL);
    }

    /**
     * Connects to the Redis at {@code uri}; {@code keep} is how long what is kept about a session lives (the
     * token's lifetime). Throws with a clear message when Redis cannot be reached: an instance that cannot share
     * would serve its sessions alone, which is worse than not starting.
     */
    public static RedisState connect(URI uri, Duration keep) {
        RedisClient client = RedisClient.create(RedisURI.create(uri));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        try {
            return new RedisState(client, keep);
        } catch (RedisException e) {
            client.shutdown();
            throw new IllegalStateException("cannot reach Redis at " + uri.getHost() + ":" + uri.getPort()
                    + " (proxy.http.scale_out.redis): " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isEnded(String session) {
        try {
            return redis.exists("gatekit:ended:" + hash(session)) > 0;
        } catch (RedisException e) {
            log.warn("Redis unreachable; continuing session without checking it was ended: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public void end(String session) {
        try {
            redis.set("gatekit:ended:" + hash(session), "1", SetArgs.Builder.ex(keep));
        } catch (RedisException e) {
            log.warn("Redis unreachable; other instances may continue a deleted session: {}", e.getMessage());
        }
        announce("end", session, event -> {});
    }

    @Override
    public Optional<String> logLevel(String session) {
        try {
            return Optional.ofNullable(redis.get("gatekit:level:" + hash(session)));
        } catch (RedisException e) {
            log.warn("Redis unreachable; session continues at its initial log level: {}", e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void logLevel(String session, String level) {
        try {
            redis.set("gatekit:level:" + hash(session), level, SetArgs.Builder.ex(keep));
        } catch (RedisException e) {
            log.warn("Redis unreachable; log level not shared: {}", e.getMessage());
        }
        announce("level", session, event -> event.put("level", level));
    }

    @Override
    public void cancel(String session, JsonNode requestId) {
        announce("cancel", session, event -> event.set("id", requestId));
    }

    @Override
    public void reply(String session, JsonNode response) {
        announce("reply", session, event -> event.set("response", response));
    }

    @Override
    public void subscribe(Consumer<SessionEvent> listener) {
        listeners.add(listener);
    }

    private void announce(String type, String session, Consumer<ObjectNode> details) {
        ObjectNode event = JSON.createObjectNode().put("type", type).put("session", session).put("origin", origin);
        details.accept(event);
        try {
            redis.publish(CHANNEL, JSON.writeValueAsString(event));
        } catch (RedisException e) {
            log.warn("Redis unreachable; {} of a session not told to other instances: {}", type, e.getMessage());
        }
    }

    private @Nullable SessionEvent parse(String message) {
        try {
            JsonNode event = JSON.readTree(message);
            String session = event.path("session").asString("");
            if (origin.equals(event.path("origin").asString("")) || session.isEmpty()) {
                return null;
            }
            return switch (event.path("type").asString("")) {
                case "end" -> new SessionEvent.Ended(session);
                case "level" -> new SessionEvent.LevelChanged(session, event.path("level").asString("info"));
                case "cancel" -> event.has("id") ? new SessionEvent.Cancelled(session, event.get("id")) : null;
                case "reply" -> event.has("response") ? new SessionEvent.Replied(session, event.get("response")) : null;
                default -> null;
            };
        } catch (JacksonException e) {
            log.debug("ignored an unreadable message on {}: {}", CHANNEL, e.getMessage());
            return null;
        }
    }

    private static String hash(String session) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(session.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    @Override
    public void close() {
        pubSub.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
