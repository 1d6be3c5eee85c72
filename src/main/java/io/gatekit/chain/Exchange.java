package io.gatekit.chain;

import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.session.ClientSession;
import io.gatekit.session.InFlight;
import io.gatekit.session.Principal;
import io.gatekit.upstream.CallOrigin;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client request on its way through the {@link RequestChain}: who asked, the request as the links have shaped
 * it so far, where it goes once resolved, its deadline, and what must be released when it ends. It is also the
 * origin the upstream side sees for the call, so progress comes back through the links.
 *
 * <p>Concurrency: an exchange is handled by one thread at a time (the client's reader, then possibly a virtual
 * thread, then the thread that completes the upstream call); each hand-over is a thread start or a future
 * completion, which orders the writes before it. Only {@link #isCancelled} is read from other threads, and it
 * reads the in-flight entry's future.
 */
public final class Exchange implements CallOrigin {
    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    private final RequestChain chain;
    private final ClientSession client;
    private final InFlight inFlight;
    private final Request original;
    private Request request;
    private @Nullable Target target;
    private long deadlineNanos;
    /** What to release at the end: the first in a field (the common case: one upstream slot), more in a list. */
    private @Nullable AutoCloseable firstAtEnd;
    private @Nullable List<AutoCloseable> moreAtEnd;
    /** What links keep about this exchange for its way back, by type (rarely more than one entry). */
    private @Nullable Map<Class<?>, Object> attachments;
    /** What the access policy decided about this request, for audit ({@code allow (rule readers)}); null if none. */
    private @Nullable String accessDecision;
    /**
     * The observation link's per-request state: a field of its own, so observing costs no attachment map, and closed
     * after everything else at the end, so the request's upstream slot still fits in {@code firstAtEnd}.
     */
    private @Nullable AutoCloseable observation;
    /** How many links let the request pass; the answer flows back through these. */
    int passed;

    Exchange(RequestChain chain, ClientSession client, InFlight inFlight, Request request) {
        this.chain = chain;
        this.client = client;
        this.inFlight = inFlight;
        this.original = request;
        this.request = request;
        this.deadlineNanos = inFlight.startNanos();
    }

    public ClientSession client() {
        return client;
    }

    /** Who is calling; anonymous until authentication fills the client's identity slot. */
    public Principal principal() {
        return client.principal();
    }

    /** The request as the client sent it. */
    public Request original() {
        return original;
    }

    /** The request as the links have shaped it so far. */
    public Request request() {
        return request;
    }

    void request(Request modified) {
        this.request = modified;
    }

    public String method() {
        return original.method();
    }

    /** When the request was read ({@code System.nanoTime()}). */
    public long startNanos() {
        return inFlight.startNanos();
    }

    /** The upstream and name this request goes to, or null for the gateway's own methods. */
    public @Nullable Target target() {
        return target;
    }

    public void target(Target resolved) {
        this.target = resolved;
    }

    public long deadlineNanos() {
        return deadlineNanos;
    }

    public void deadlineNanos(long deadline) {
        this.deadlineNanos = deadline;
    }

    /** The client's in-flight entry: its future is what the client's cancel completes. */
    public InFlight inFlight() {
        return inFlight;
    }

    public boolean isCancelled() {
        return inFlight.isCancelled();
    }

    /**
     * Keeps {@code value} with this exchange under its type, for the link that put it there to read on the way back;
     * a link's own private record type is its key.
     */
    public <T> void attach(Class<T> type, T value) {
        if (attachments == null) {
            attachments = new HashMap<>(4);
        }
        attachments.put(type, value);
    }

    /** What {@link #attach} kept under {@code type}, or null. */
    public <T> @Nullable T attachment(Class<T> type) {
        return attachments == null ? null : type.cast(attachments.get(type));
    }

    /** What the access policy decided about this request ({@code allow (rule x)}, {@code deny (default)}), or null. */
    public @Nullable String accessDecision() {
        return accessDecision;
    }

    public void accessDecision(String decision) {
        this.accessDecision = decision;
    }

    /** What the observation link (first in the chain) keeps about this exchange, or null. */
    public @Nullable AutoCloseable observation() {
        return observation;
    }

    /** Keeps the observation link's state, closed when the exchange ends, after every resource {@link #closeAtEnd} got. */
    public void observation(AutoCloseable state) {
        this.observation = state;
    }

    /** Releases {@code resource} when the exchange ends, however it ends (answered, failed, cancelled). */
    public void closeAtEnd(AutoCloseable resource) {
        if (firstAtEnd == null) {
            firstAtEnd = resource;
            return;
        }
        if (moreAtEnd == null) {
            moreAtEnd = new ArrayList<>(2);
        }
        moreAtEnd.add(resource);
    }

    /** Releases, last registered first. */
    void closeResources() {
        if (moreAtEnd != null) {
            for (int i = moreAtEnd.size() - 1; i >= 0; i--) {
                close(moreAtEnd.get(i));
            }
            moreAtEnd = null;
        }
        if (firstAtEnd != null) {
            close(firstAtEnd);
            firstAtEnd = null;
        }
        if (observation != null) {
            close(observation); // last: the request ends when everything it held is released
            observation = null;
        }
    }

    private void close(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            log.warn("{}: releasing {} failed", client, resource, e);
        }
    }

    @Override
    public void notifyCaller(Notification notification) {
        chain.notifyBack(this, notification);
    }

    @Override
    public boolean isGone() {
        return client.isClosed();
    }

    /**
     * The client: its calls share one upstream session when the upstream gives each client its own. A 2026-07-28
     * client has none: it is stateless, and each of its requests is a gateway client of its own.
     */
    @Override
    public @Nullable Object sessionKey() {
        return client.info().isModern() ? null : client;
    }

    @Override
    public Principal caller() {
        return principal();
    }

    @Override
    public String toString() {
        return original.method() + " from " + client;
    }
}
