package io.gatekit.faces.http;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.gatekit.Gateway;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.session.ClientChannel;
import io.gatekit.session.Principal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * One legacy Streamable HTTP session ({@code Mcp-Session-Id}): the way back to its client. Responses go to the
 * POST waiting for them; progress goes to the stream of the request it belongs to; everything else goes to the
 * standalone GET stream, through a bounded buffer of numbered events that a reconnecting client replays from
 * with {@code Last-Event-ID}. Scaled out with shared events ({@link SharedGetStream}), that buffer is the session's
 * shared stream, which every instance's copy appends to and the GET stream reads wherever it is; an event the
 * shared stream refuses (Redis away) falls back to this instance's own buffer.
 *
 * <p>Concurrency: the GET stream's buffer, sequence numbers and open flag are guarded by {@code lock}, whose
 * condition wakes the GET handler; {@code version} counts what might have added events (a local event, another
 * instance's), so that the GET handler reads the shared stream outside the lock without missing a wake-up. The posted requests are a concurrent map shared by POST handler threads and the
 * gateway threads that send; the endpoint, protocol version, {@code ended} and last-seen time are volatile, each
 * written by one party and read without a lock.
 */
final class HttpSession implements ClientChannel {
    private static final Logger log = LoggerFactory.getLogger(HttpSession.class);
    /** Events kept for the GET stream (undelivered, or delivered and kept for replay). */
    static final int REPLAY_EVENTS = 1000;
    static final String GET_STREAM_PREFIX = "g-";

    /** Its {@code Mcp-Session-Id}: a random local id, until a scaled-out face seals the session into its token. */
    private volatile String id;
    /** The caller that opened the session; nobody else may use it. */
    private final Principal owner;
    /** A one-request session of the modern (2026-07-28, stateless) era: no GET stream, no server-to-client requests. */
    private final boolean stateless;
    private volatile Gateway.@Nullable ClientEndpoint endpoint;
    private volatile @Nullable String protocolVersion;
    private final Map<JsonNode, PostedRequest> posted = new ConcurrentHashMap<>();
    private final AtomicInteger streams = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    @GuardedBy("lock")
    private final ArrayDeque<Event> getEvents = new ArrayDeque<>();
    @GuardedBy("lock")
    private long nextSeq = 1;
    @GuardedBy("lock")
    private long delivered;
    @GuardedBy("lock")
    private boolean getOpen;
    @GuardedBy("lock")
    private long version;
    @GuardedBy("lock")
    private String deliveredShared = SharedGetStream.START;
    private final @Nullable SharedGetStream shared;
    private volatile boolean ended;
    private volatile long lastSeenNanos = System.nanoTime();
    private final AtomicInteger openConnections = new AtomicInteger();

    /** One event of the GET stream: numbered by this instance ({@code seq}), or by the shared stream. */
    record Event(long seq, @Nullable String sharedId, JsonRpcMessage message) {
        String id() {
            return GET_STREAM_PREFIX + (sharedId != null ? sharedId : Long.toString(seq));
        }
    }

    /** Where a GET stream is: the last event it had of this instance's buffer and of the shared stream. */
    record Cursor(long localSeq, String sharedId) {
        Cursor after(Event event) {
            String eventShared = event.sharedId();
            return eventShared != null ? new Cursor(localSeq, eventShared) : new Cursor(event.seq(), sharedId);
        }
    }

    HttpSession(String id, Principal owner) {
        this(id, owner, false, null);
    }

    HttpSession(String id, Principal owner, boolean stateless) {
        this(id, owner, stateless, null);
    }

    /** With {@code shared}, the GET stream's events are kept there for every instance. */
    HttpSession(String id, Principal owner, boolean stateless, @Nullable SharedGetStream shared) {
        this.id = id;
        this.owner = owner;
        this.stateless = stateless;
        this.shared = shared;
    }

    String id() {
        return id;
    }

    Principal owner() {
        return owner;
    }

    /** The session's id becomes its token (before the client learns any id: {@code initialize} is still running). */
    void rename(String token) {
        this.id = token;
    }

    void attach(Gateway.ClientEndpoint clientEndpoint) {
        this.endpoint = clientEndpoint;
    }

    /** The endpoint of an attached session: every session the registry hands out is attached at creation. */
    Gateway.ClientEndpoint attached() {
        Gateway.ClientEndpoint current = endpoint;
        if (current == null) {
            throw new IllegalStateException("session " + id + " is not attached to the gateway yet");
        }
        return current;
    }

    Gateway.@Nullable ClientEndpoint endpoint() {
        return endpoint;
    }

    @Nullable String protocolVersion() {
        return protocolVersion;
    }

    void protocolVersion(String version) {
        this.protocolVersion = version;
    }

    boolean isEnded() {
        return ended;
    }

    // --- activity, for the idle reaper ---

    void connectionOpened() {
        openConnections.incrementAndGet();
        lastSeenNanos = System.nanoTime();
    }

    void connectionClosed() {
        openConnections.decrementAndGet();
        lastSeenNanos = System.nanoTime();
    }

    boolean idleFor(Duration timeout) {
        return openConnections.get() == 0 && System.nanoTime() - lastSeenNanos > timeout.toNanos();
    }

    // --- the gateway's side ---

    @Override
    public boolean send(JsonRpcMessage message) {
        if (ended) {
            return false;
        }
        return switch (message) {
            case Response response -> {
                PostedRequest post = response.id() == null ? null : posted.get(response.id());
                if (post != null) {
                    post.deliver(response);
                } else {
                    log.debug("session {}: no open request for response {}; dropped{}", id, response.id(),
                            response.error() == null ? "" : " (error: " + response.error().message() + ")");
                }
                yield true;
            }
            case Notification n when "notifications/progress".equals(n.method()) && n.params() != null -> {
                JsonNode token = n.params().get("progressToken");
                for (PostedRequest post : posted.values()) {
                    if (post.ownsProgress(token)) {
                        post.deliver(n);
                        yield true;
                    }
                }
                yield stateless || enqueueGet(n);
            }
            // The 2026-07-28 era has no server-to-client requests: refuse, so the upstream is answered at once.
            case Request request when stateless -> false;
            case Notification n when stateless && "notifications/message".equals(n.method()) -> {
                // The router sends a stateless client only log messages about its one request (at the level the
                // request named): they go on that request's stream, before its response.
                posted.values().forEach(post -> post.deliver(n));
                yield true;
            }
            // A one-request client has no stream for unsolicited messages; 2026-07-28 clients hear list changes and
            // resource updates on a subscriptions/listen stream instead (ListenStream).
            case Notification n when stateless && !"notifications/progress".equals(n.method()) -> true;
            case Request request -> {
                // A server-to-client request: the GET stream if the client listens there, else the stream of a
                // request in flight (the spec allows requests there before the response), else wait for a GET.
                if (!isGetOpen()) {
                    PostedRequest carrier = posted.values().stream().filter(PostedRequest::isStreaming).findFirst()
                            .orElse(posted.values().stream().findFirst().orElse(null));
                    if (carrier != null) {
                        carrier.deliver(request);
                        yield true;
                    }
                }
                yield enqueueGet(request);
            }
            default -> enqueueGet(message);
        };
    }

    // --- requests POSTed by the client ---

    /** Registers a POSTed request; null if a request with that id is already waiting. */
    @Nullable PostedRequest open(Request request) {
        JsonNode meta = request.params() == null ? null : request.params().get("_meta");
        JsonNode token = meta == null ? null : meta.get("progressToken");
        PostedRequest post = new PostedRequest(request.id(), token, streams.incrementAndGet());
        return posted.putIfAbsent(request.id(), post) == null ? post : null;
    }

    void finish(PostedRequest post) {
        posted.remove(post.requestId(), post);
    }

    /** The client cancelled a request: its POST gets no answer from the gateway, so end it here. */
    void abandon(JsonNode requestId) {
        PostedRequest post = requestId == null ? null : posted.get(requestId);
        if (post != null) {
            post.end();
        }
    }

    /** The client stopped waiting for a request: cancel it in the gateway (and upstream). */
    void cancel(PostedRequest post) {
        Gateway.ClientEndpoint current = endpoint;
        if (current != null && current.session().cancel(post.requestId())) {
            log.debug("session {}: client went away; cancelled request {}", id, post.requestId());
        }
    }

    int inFlight() {
        return posted.size();
    }

    // --- the standalone GET stream ---

    private boolean enqueueGet(JsonRpcMessage message) {
        SharedGetStream stream = shared;
        if (stream == null) {
            return enqueueLocal(message);
        }
        // Asynchronous: the sender (perhaps an upstream's reader thread) never waits for Redis.
        stream.append(id, message).whenComplete((eventId, failure) -> {
            if (failure == null) {
                eventsArrived();
            } else {
                log.warn("session {}...: {} kept by this instance only (shared events unreachable: {})",
                        id.substring(0, Math.min(6, id.length())), describe(message), failure.getMessage());
                enqueueLocal(message);
            }
        });
        return true;
    }

    /** Another instance, or this one, added an event to the shared stream: the GET stream reads it. */
    void eventsArrived() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean enqueueLocal(JsonRpcMessage message) {
        lock.lock();
        try {
            version++;
            getEvents.addLast(new Event(nextSeq++, null, message));
            while (getEvents.size() > REPLAY_EVENTS) {
                Event dropped = getEvents.removeFirst();
                if (dropped.seq() > delivered) {
                    log.warn("session {}: GET stream buffer full; dropped undelivered {}", id, describe(dropped.message()));
                }
            }
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean isGetOpen() {
        lock.lock();
        try {
            return getOpen;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Claims the GET stream; null if one is already open here (one per session). Returns where to resume: after the
     * event {@code lastEventId} names if it is of this session's streams, else after what was last delivered.
     */
    @Nullable Cursor attachGet(@Nullable String lastEventId) {
        String named = lastEventId != null && lastEventId.startsWith(GET_STREAM_PREFIX)
                ? lastEventId.substring(GET_STREAM_PREFIX.length()) : "";
        long localSeq;
        lock.lock();
        try {
            if (getOpen || ended) {
                return null;
            }
            getOpen = true;
            localSeq = delivered;
            if (!named.isEmpty() && !SharedGetStream.isSharedId(named)) {
                try {
                    localSeq = Math.max(0, Long.parseLong(named));
                } catch (NumberFormatException ignored) {
                    // a foreign id: resume from what was delivered
                }
            }
        } finally {
            lock.unlock();
        }
        SharedGetStream stream = shared;
        if (stream == null) {
            return new Cursor(localSeq, SharedGetStream.START);
        }
        return new Cursor(localSeq, SharedGetStream.isSharedId(named) ? named : stream.resumePoint(id));
    }

    void detachGet() {
        lock.lock();
        try {
            getOpen = false;
        } finally {
            lock.unlock();
        }
    }

    /** Events after {@code cursor}, waiting at most {@code wait} for one; empty on timeout or end. */
    List<Event> awaitGet(Cursor cursor, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        SharedGetStream stream = shared;
        while (true) {
            long seen;
            lock.lock();
            try {
                seen = version;
            } finally {
                lock.unlock();
            }
            // Read outside the lock: senders never wait for Redis.
            List<Event> ready = stream == null ? new ArrayList<>() : new ArrayList<>(stream.after(id, cursor.sharedId()));
            lock.lock();
            try {
                for (Event event : getEvents) {
                    if (event.seq() > cursor.localSeq()) {
                        ready.add(event);
                    }
                }
                long left = deadline - System.nanoTime();
                if (!ready.isEmpty() || ended || left <= 0) {
                    return ready;
                }
                if (version == seen) {
                    changed.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** The client has had everything up to {@code cursor}: a GET opened later, here or elsewhere, starts after it. */
    void delivered(Cursor cursor) {
        boolean sharedMoved;
        lock.lock();
        try {
            delivered = Math.max(delivered, cursor.localSeq());
            sharedMoved = !deliveredShared.equals(cursor.sharedId());
            deliveredShared = cursor.sharedId();
        } finally {
            lock.unlock();
        }
        SharedGetStream stream = shared;
        if (stream != null && sharedMoved) {
            stream.delivered(id, cursor.sharedId());
        }
    }

    /** Ends the session's streams and open requests (the gateway side is closed by the registry). */
    void end() {
        ended = true;
        posted.values().forEach(PostedRequest::end);
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static String describe(JsonRpcMessage message) {
        return switch (message) {
            case Request r -> "request " + r.method();
            case Notification n -> "notification " + n.method();
            case Response r -> "response " + r.id();
        };
    }
}
