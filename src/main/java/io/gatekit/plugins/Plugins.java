package io.gatekit.plugins;

import io.gatekit.chain.Link;
import io.gatekit.config.PluginsConfig;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.session.ClientSession;
import io.gatekit.session.Principal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins of one running gateway: the current generation ({@link Pipelines}), swapped whole on reload, and
 * every place messages meet them. Requests and their responses meet them in the request chain ({@link #link});
 * what travels outside a request (a client's notifications, an upstream's own notifications, each upstream's page
 * of a merged list) meets them through the methods here, which routing calls.
 *
 * <p>Concurrency: the generation is a volatile field read once per message; a message keeps using the generation
 * it started under, which closes its retired instances only after the last such message ends.
 */
public final class Plugins implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Plugins.class);
    /** The client id plugins see for the gateway's own fetches (list pages shared by every client). */
    static final String GATEWAY_CLIENT = "gatekit";
    /** How long shutdown waits for the plugins to close once the last message has let go of them. */
    private static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(10);

    private final PluginRegistry registry;
    private final Path baseDirectory;
    private final SharedResources shared = new SharedResources();
    private final PluginLink link;
    private final JsonRpcCodec codec;
    private final Object swapLock = new Object();
    private volatile Pipelines current = Pipelines.none();

    /**
     * Makes the first generation from {@code config}.
     *
     * @throws io.gatekit.config.ConfigException when an entry is invalid or a critical plugin cannot start
     */
    public Plugins(PluginRegistry registry, PluginsConfig config, Path baseDirectory, JsonRpcCodec codec) {
        this(registry, config, baseDirectory, codec, StageObserver.NONE);
    }

    /**
     * As above, telling {@code stages} how long each plugin took on each message (metrics).
     *
     * @throws io.gatekit.config.ConfigException when an entry is invalid or a critical plugin cannot start
     */
    public Plugins(PluginRegistry registry, PluginsConfig config, Path baseDirectory, JsonRpcCodec codec,
            StageObserver stages) {
        this.registry = registry;
        this.baseDirectory = baseDirectory;
        this.link = new PluginLink(this, codec, stages);
        this.codec = codec;
        this.current = new PluginBuilder(registry, baseDirectory, shared, Pipelines.none()).build(config);
        describe(current);
    }

    /** No plugins at all. */
    public static Plugins none(JsonRpcCodec codec) {
        return new Plugins(PluginRegistry.of(java.util.List.of()), PluginsConfig.empty(), Path.of("").toAbsolutePath(), codec);
    }

    /** The chain link where requests and their responses meet the plugins (placed after targeting). */
    public Link link() {
        return link;
    }

    /**
     * Applies a reloaded {@code plugins:} section: unchanged entries keep their instances (and open files), the
     * rest are made anew, and the instances no longer configured close once the messages using them are done.
     *
     * @throws io.gatekit.config.ConfigException when the new section is invalid; the running plugins stay
     */
    public void reload(PluginsConfig config) {
        synchronized (swapLock) {
            Pipelines old = current;
            Pipelines next = new PluginBuilder(registry, baseDirectory, shared, old).build(config);
            Set<Plugin> kept = Collections.newSetFromMap(new IdentityHashMap<>());
            next.installed().forEach(p -> kept.add(p.plugin()));
            Set<Plugin> closing = Collections.newSetFromMap(new IdentityHashMap<>());
            old.installed().stream().map(InstalledPlugin::plugin).filter(p -> !kept.contains(p)).forEach(closing::add);
            current = next;
            old.retire(closing);
            describe(next);
        }
    }

    /** The current generation, marked as used: the caller must {@link Pipelines#release} it. */
    Pipelines acquire() {
        while (true) {
            Pipelines generation = current;
            if (generation.tryUse()) {
                return generation;
            }
        }
    }

    /** Whether any plugin is configured (a cheap test for the hot path). */
    boolean isEmpty() {
        return current.isEmpty();
    }

    /**
     * A client's notification on its way in (global plugins: it names no upstream); null when a plugin stopped it.
     */
    public @Nullable Notification fromClient(ClientSession client, Notification notification) {
        return notification(null, client.principal(), client.id(), Direction.TO_UPSTREAM, notification);
    }

    /** An upstream's own notification on its way to clients; null when a plugin stopped it. */
    public @Nullable Notification fromUpstream(String upstream, Notification notification) {
        return notification(upstream, Principal.ANONYMOUS, GATEWAY_CLIENT, Direction.TO_CLIENT, notification);
    }

    /** A notification about a request (progress) on its way to the client that made it; null when stopped. */
    @Nullable Notification aboutRequest(Pipeline pipeline, PluginContext context, Notification notification) {
        return filtered(pipeline, context.toClient(), notification);
    }

    private @Nullable Notification notification(@Nullable String upstream, Principal principal, String clientId,
            Direction direction, Notification notification) {
        return through(upstream, notification, pipeline -> !pipeline.isEmpty(), pipeline -> filtered(pipeline,
                new PluginContext(upstream, principal, clientId, direction, System.nanoTime()), notification));
    }

    /** {@code notification} through {@code pipeline}'s filters and auditors; null when a filter stopped it. */
    private static @Nullable Notification filtered(Pipeline pipeline, PluginContext context, Notification notification) {
        PipelineRun run = pipeline.notification(notification, context);
        if (pipeline.hasAuditors()) {
            pipeline.audit(new AuditEvent(AuditEvent.Type.NOTIFICATION, Instant.now(), context, null,
                    notification.method(), null, run.message(), run, 0));
        }
        if (!run.passes()) {
            log.debug("{} notification {} stopped by plugin {}: {}", context.direction(), notification.method(),
                    run.decidedBy(), run.reason());
            return null;
        }
        return (Notification) run.message();
    }

    /**
     * {@code work} on {@code upstream}'s pipeline of the current generation, held for the while; {@code unchanged}
     * when no plugin is configured or the pipeline is not one {@code applies} to.
     */
    private <T> T through(@Nullable String upstream, T unchanged, Predicate<Pipeline> applies, Function<Pipeline, T> work) {
        if (current.isEmpty()) {
            return unchanged;
        }
        Pipelines generation = acquire();
        try {
            Pipeline pipeline = generation.forUpstream(upstream);
            return applies.test(pipeline) ? work.apply(pipeline) : unchanged;
        } finally {
            generation.release();
        }
    }

    /**
     * A server-to-client request (sampling, elicitation, roots) from {@code upstream} on its way to a client, through
     * that upstream's filters (direction: to the client). Returns the request to forward (possibly modified), or the
     * response to give the upstream instead (blocked, failed closed, or answered by a plugin).
     *
     * @param client the client it is for, when known (its principal is what plugins see)
     */
    public JsonRpcMessage serverRequest(String upstream, @Nullable ClientSession client, Request request) {
        return through(upstream, (JsonRpcMessage) request, pipeline -> !pipeline.isEmpty(), pipeline -> {
            PluginContext context = clientContext(upstream, client, Direction.TO_CLIENT);
            PipelineRun run = pipeline.request(request, context);
            if (pipeline.hasAuditors()) {
                pipeline.audit(new AuditEvent(AuditEvent.Type.REQUEST, Instant.now(), context, request.id(),
                        request.method(), null, run.message(), run, 0));
            }
            return switch (run.outcome()) {
                case BLOCKED -> Response.failure(request.id(), blocked("Request", run));
                case ERROR -> Response.failure(request.id(), failed(run));
                case COMPLETED_BY_MIDDLEWARE -> Objects.requireNonNull(run.completion()).withId(request.id());
                default -> run.message();
            };
        });
    }

    /** A client's answer to a server-to-client request, on its way back to {@code upstream}, through its filters. */
    public Response serverRequestAnswer(String upstream, @Nullable ClientSession client, Request request, Response answer) {
        return through(upstream, answer, pipeline -> !pipeline.isEmpty(), pipeline -> {
            PluginContext context = clientContext(upstream, client, Direction.TO_UPSTREAM);
            PipelineRun run = pipeline.response(request, answer, context);
            Response passed = switch (run.outcome()) {
                case BLOCKED -> Response.failure(answer.id(), blocked("Response", run));
                case ERROR -> Response.failure(answer.id(), failed(run));
                case MODIFIED -> (Response) run.message();
                default -> answer;
            };
            if (pipeline.hasAuditors()) {
                pipeline.audit(new AuditEvent(AuditEvent.Type.RESPONSE, Instant.now(), context, request.id(),
                        request.method(), null, passed, run, 0));
            }
            return passed;
        });
    }

    /** The context of a message between {@code upstream} and {@code client} (the gateway itself when unknown). */
    private static PluginContext clientContext(String upstream, @Nullable ClientSession client, Direction direction) {
        return new PluginContext(upstream, client == null ? Principal.ANONYMOUS : client.principal(),
                client == null ? GATEWAY_CLIENT : client.id(), direction, System.nanoTime());
    }

    /**
     * One upstream's answer to the gateway's own list request (a page of {@code tools/list} and the like, before
     * it is merged and cached for every client), through that upstream's filters. Names are the upstream's own.
     *
     * @throws GatewayException when a plugin blocked the page or failed closed: the upstream is then left out of
     *     the merged list, named with the reason
     */
    public Response upstreamListPage(String upstream, Request request, Response page) {
        return through(upstream, page, Pipeline::hasFilters, pipeline -> {
            PluginContext context = new PluginContext(upstream, Principal.ANONYMOUS, GATEWAY_CLIENT,
                    Direction.TO_CLIENT, System.nanoTime());
            // The upstream's result arrives as raw bytes: filters that read bodies get the tree.
            JsonNode result = page.result();
            Response seen = result != null && pipeline.readsBodies(request.method())
                    ? Response.success(page.id(), codec.materialize(result)) : page;
            PipelineRun run = pipeline.response(request, seen, context);
            return switch (run.outcome()) {
                case BLOCKED -> throw new GatewayException(blocked("Response", run));
                case ERROR -> throw new GatewayException(failed(run));
                case COMPLETED_BY_MIDDLEWARE -> page;
                default -> (Response) run.message();
            };
        });
    }

    /** The error a client gets for a message a security plugin blocked. */
    static JsonRpcError blocked(String what, PipelineRun run) {
        return new JsonRpcError(ErrorCode.BLOCKED_BY_POLICY.code(), what + " blocked by " + run.decidedBy()
                + (run.reason().isEmpty() ? "" : ": " + run.reason()), blockData(run));
    }

    /** The error a client gets when a critical plugin failed on its message (fail closed). */
    static JsonRpcError failed(PipelineRun run) {
        tools.jackson.databind.node.ObjectNode data = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        data.put("plugin", run.decidedBy());
        data.put("reason", run.reason());
        return new JsonRpcError(ErrorCode.PLUGIN_FAILED.code(), "Plugin " + run.decidedBy()
                + " failed, and it is critical: the message was not processed (" + run.reason() + ")", data);
    }

    private static tools.jackson.databind.JsonNode blockData(PipelineRun run) {
        tools.jackson.databind.node.ObjectNode data = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        data.put("plugin", run.decidedBy());
        data.put("reason", run.reason());
        if (run.blockData() != null) {
            data.set("details", run.blockData());
        }
        return data;
    }

    private static void describe(Pipelines generation) {
        if (!generation.isEmpty()) {
            log.info("plugins: {}", generation.installed().stream()
                    .map(p -> p.handler() + (p.scope() == null ? "" : "@" + p.scope())).toList());
        }
    }

    /** Closes every plugin (audit files are flushed): after the last message, at shutdown. */
    @Override
    public void close() {
        Pipelines old;
        synchronized (swapLock) {
            old = current;
            current = Pipelines.none();
            Set<Plugin> all = Collections.newSetFromMap(new IdentityHashMap<>());
            old.installed().forEach(p -> all.add(p.plugin()));
            old.retire(all);
        }
        try {
            // Shutdown waits (bounded) for the auditors to drain: nothing recorded is lost on a clean stop.
            old.closed().get(CLOSE_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            log.warn("plugins still closing after {} s (a message still in flight holds them)", CLOSE_WAIT.toSeconds());
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("closing plugins failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
