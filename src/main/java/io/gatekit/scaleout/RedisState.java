package io.gatekit.scaleout;

import io.lettuce.core.RedisClient;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
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
 * channel {@code gatekit:sessions}, which every instance hears and applies to the sessions it holds. A session's GET
 * stream is a Redis stream ({@code gatekit:events:<hash>}, XADD with an approximate MAXLEN, expiring with the
 * token; the id of the last event a client had in {@code gatekit:delivered:<hash>}): any instance appends to it, the
 * instance holding the client's GET stream reads it when told an event was added, and a GET resumed anywhere with
 * {@code Last-Event-ID} replays from it.
 *
 * <p>While Redis is unreachable commands fail within the command timeout instead of queueing: a session is then
 * taken as not ended (a DELETE may be missed, a request is never refused for want of Redis), a level or an
 * announcement is lost and logged; an event that cannot be appended goes to the GET stream of the instance that
 * produced it, if it holds one (else it is lost and logged). Requests of sessions an instance already serves never touch Redis.
 */
public final class RedisState implements SharedState {
    private static final Logger log = LoggerFactory.getLogger(RedisState.class);
    static final String CHANNEL = "gatekit:sessions";
    /** Events kept per session's GET stream (trimmed approximately, as Redis does cheaply). */
    static final int EVENTS_KEPT = 1000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final RedisAsyncCommands<String, String> redisAsync;
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
        this.redisAsync = connection.async();
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
        RedisClient client = RedisClients.create(uri);
        try {
            return new RedisState(client, keep);
        } catch (RedisException e) {
            client.shutdown();
            throw new IllegalStateException("cannot reach Redis at " + RedisClients.describe(uri)
                    + " (proxy.http.scale_out.redis): " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isEnded(String session) {
        try {
            return redis.exists("gatekit:ended:" + RedisClients.hash(session)) > 0;
        } catch (RedisException e) {
            log.warn("Redis unreachable; continuing session without checking it was ended: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public void end(String session) {
        try {
            redis.set("gatekit:ended:" + RedisClients.hash(session), "1", SetArgs.Builder.ex(keep));
        } catch (RedisException e) {
            log.warn("Redis unreachable; other instances may continue a deleted session: {}", e.getMessage());
        }
        announce("end", session, event -> {});
        try {
            redis.del(eventsKey(session), deliveredKey(session), "gatekit:subscriptions:" + RedisClients.hash(session));
        } catch (RedisException e) {
            log.debug("Redis unreachable; the ended session's events expire on their own: {}", e.getMessage());
        }
    }

    @Override
    public Optional<String> logLevel(String session) {
        try {
            return Optional.ofNullable(redis.get("gatekit:level:" + RedisClients.hash(session)));
        } catch (RedisException e) {
            log.warn("Redis unreachable; session continues at its initial log level: {}", e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void logLevel(String session, String level) {
        try {
            redis.set("gatekit:level:" + RedisClients.hash(session), level, SetArgs.Builder.ex(keep));
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
    public boolean sharesEvents() {
        return true;
    }

    @Override
    public CompletionStage<String> appendEvent(String session, String json) {
        String key = eventsKey(session);
        // Pipelined on the one connection: ids are assigned in the order events are appended, and no caller waits.
        RedisFuture<String> added = redisAsync.xadd(key,
                XAddArgs.Builder.maxlen(EVENTS_KEPT).approximateTrimming(), Map.of("m", json));
        RedisFuture<Boolean> expiring = redisAsync.expire(key, keep);
        // Kept once both are done; telling the instance holding the stream is best effort (it also reads at each
        // keep-alive), so a failed announcement does not fail the append.
        return added.thenCombine(expiring, (id, expires) -> id)
                .thenCompose(id -> redisAsync.publish(CHANNEL, message("event", session, event -> {})).handle((n, e) -> id));
    }

    @Override
    public List<StreamEvent> eventsAfter(String session, String afterId) {
        try {
            List<StreamMessage<String, String>> read = redis.xrange(eventsKey(session),
                    Range.from(Range.Boundary.excluding(afterId), Range.Boundary.<String>unbounded()), Limit.from(EVENTS_KEPT));
            List<StreamEvent> events = new ArrayList<>(read.size());
            for (StreamMessage<String, String> message : read) {
                String json = message.getBody().get("m");
                if (json != null) {
                    events.add(new StreamEvent(message.getId(), json));
                }
            }
            return events;
        } catch (RedisException e) {
            log.debug("Redis unreachable; the GET stream waits for it: {}", e.getMessage());
            return List.of();
        }
    }

    @Override
    public Optional<String> lastDelivered(String session) {
        try {
            return Optional.ofNullable(redis.get(deliveredKey(session)));
        } catch (RedisException e) {
            log.warn("Redis unreachable; the GET stream starts with new events: {}", e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void delivered(String session, String eventId) {
        try {
            redis.set(deliveredKey(session), eventId, SetArgs.Builder.ex(keep));
        } catch (RedisException e) {
            log.debug("Redis unreachable; a new GET stream may repeat events: {}", e.getMessage());
        }
    }

    @Override
    public void resourceSubscription(String session, String uri, boolean subscribed) {
        String key = "gatekit:subscriptions:" + RedisClients.hash(session);
        try {
            if (subscribed) {
                redis.sadd(key, uri);
                redis.expire(key, keep);
            } else {
                redis.srem(key, uri);
            }
        } catch (RedisException e) {
            log.warn("Redis unreachable; a subscription is not kept for instances that continue the session later: {}",
                    e.getMessage());
        }
        announce(subscribed ? "subscribe" : "unsubscribe", session, event -> event.put("uri", uri));
    }

    @Override
    public Set<String> resourceSubscriptions(String session) {
        try {
            return redis.smembers("gatekit:subscriptions:" + RedisClients.hash(session));
        } catch (RedisException e) {
            log.warn("Redis unreachable; session continues here without its resource subscriptions: {}", e.getMessage());
            return Set.of();
        }
    }

    private static String eventsKey(String session) {
        return "gatekit:events:" + RedisClients.hash(session);
    }

    private static String deliveredKey(String session) {
        return "gatekit:delivered:" + RedisClients.hash(session);
    }

    @Override
    public void subscribe(Consumer<SessionEvent> listener) {
        listeners.add(listener);
    }

    private String message(String type, String session, Consumer<ObjectNode> details) {
        ObjectNode event = JSON.createObjectNode().put("type", type).put("session", session).put("origin", origin);
        details.accept(event);
        return JSON.writeValueAsString(event);
    }

    private void announce(String type, String session, Consumer<ObjectNode> details) {
        try {
            redis.publish(CHANNEL, message(type, session, details));
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
            String type = event.path("type").asString("");
            return switch (type) {
                case "end" -> new SessionEvent.Ended(session);
                case "level" -> new SessionEvent.LevelChanged(session, event.path("level").asString("info"));
                case "cancel" -> event.has("id") ? new SessionEvent.Cancelled(session, event.get("id")) : null;
                case "event" -> new SessionEvent.EventAdded(session);
                case "subscribe", "unsubscribe" -> event.path("uri").isString()
                        ? new SessionEvent.SubscriptionChanged(session, event.get("uri").asString(), type.equals("subscribe"))
                        : null;
                case "reply" -> event.has("response") ? new SessionEvent.Replied(session, event.get("response")) : null;
                default -> null;
            };
        } catch (JacksonException e) {
            log.debug("ignored an unreadable message on {}: {}", CHANNEL, e.getMessage());
            return null;
        }
    }

    @Override
    public void close() {
        pubSub.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
