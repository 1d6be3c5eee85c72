package io.gatekit.plugins;

import io.gatekit.chain.Decision;
import io.gatekit.chain.Exchange;
import io.gatekit.chain.Link;
import io.gatekit.chain.Target;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The link where a request and its answer meet the plugins: placed after targeting, so the plugins see clean names
 * and the upstream the request goes to (whose scope applies; the global scope for the gateway's own methods). On the
 * way in: the filters decide (a block or a failing critical plugin answers with an error, a completion answers with
 * the plugin's response, a modification goes on), then the auditors record the request. On the way back: the same
 * for the answer, with the request as the plugins passed it. Progress about the request goes through the filters too.
 *
 * <p>A request whose scope has no plugin costs one volatile read. Bodies are read into trees only when a plugin of
 * the scope reads them for this method; otherwise raw arguments and results pass through untouched.
 */
final class PluginLink implements Link {
    /** The merged lists: each upstream's page has met that upstream's filters before merging ({@link Plugins#upstreamListPage}). */
    private static final Set<String> MERGED_LISTS = Set.of("tools/list", "prompts/list", "resources/list",
            "resources/templates/list");

    private final Plugins plugins;
    private final JsonRpcCodec codec;
    private final StageObserver stages;

    PluginLink(Plugins plugins, JsonRpcCodec codec, StageObserver stages) {
        this.plugins = plugins;
        this.codec = codec;
        this.stages = stages;
    }

    private void observe(PipelineRun run) {
        for (StageResult stage : run.stages()) {
            stages.ran(stage.handler(), stage.nanos());
        }
    }

    /** What the way back needs: the generation, the scope's pipeline, and the request as the plugins passed it. */
    private record State(Pipelines generation, Pipeline pipeline, PluginContext context, Request request) {}

    @Override
    public boolean mayBlock(Exchange exchange) {
        State state = exchange.attachment(State.class);
        if (state != null) {
            return state.pipeline().mayBlock();
        }
        return !plugins.isEmpty() && begin(exchange).pipeline().mayBlock();
    }

    @Override
    public boolean readsBodies(Exchange exchange) {
        State state = exchange.attachment(State.class);
        return state != null && state.pipeline().hasFilters() && !MERGED_LISTS.contains(exchange.method())
                && state.pipeline().readsBodies(exchange.method());
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        State state = exchange.attachment(State.class);
        if (state == null) {
            if (plugins.isEmpty()) {
                return Decision.proceed();
            }
            state = begin(exchange);
        }
        if (state.pipeline().isEmpty()) {
            return Decision.proceed();
        }
        Pipeline pipeline = state.pipeline();
        Request request = exchange.request();
        Request seen = pipeline.readsBodies(request.method()) ? materialized(request) : request;
        PipelineRun run = pipeline.request(seen, state.context());
        observe(run);
        Request passed = run.outcome() == PipelineOutcome.MODIFIED ? (Request) run.message() : request;
        exchange.attach(State.class, new State(state.generation(), pipeline, state.context(), passed));
        if (pipeline.hasAuditors()) {
            pipeline.audit(new AuditEvent(AuditEvent.Type.REQUEST, Instant.now(), state.context(),
                    exchange.inFlight().clientId(), request.method(), AuditEvent.targetOf(seen), run.message(), run, 0));
        }
        return switch (run.outcome()) {
            case BLOCKED -> Decision.fail(Plugins.blocked("Request", run));
            case ERROR -> Decision.fail(Plugins.failed(run));
            case COMPLETED_BY_MIDDLEWARE -> new Decision.Answer(Objects.requireNonNull(run.completion()));
            case MODIFIED -> Decision.proceedWith(passed);
            default -> Decision.proceed();
        };
    }

    /** Takes the current generation for this exchange (released when it ends) and picks the scope's pipeline. */
    private State begin(Exchange exchange) {
        Pipelines generation = plugins.acquire();
        exchange.closeAtEnd(generation::release);
        Target target = exchange.target();
        String upstream = target == null ? null : target.upstream().name();
        PluginContext context = new PluginContext(upstream, exchange.principal(), exchange.client().id(),
                Direction.TO_UPSTREAM, exchange.startNanos(), exchange.accessDecision());
        State state = new State(generation, generation.forUpstream(upstream), context, exchange.request());
        exchange.attach(State.class, state);
        return state;
    }

    @Override
    public Response onResponse(Exchange exchange, Response response) {
        State state = exchange.attachment(State.class);
        if (state == null || state.pipeline().isEmpty()) {
            return response;
        }
        Pipeline pipeline = state.pipeline();
        // A merged list's decision ("filtered") is made on its way in, as every other: the answer carries it too.
        PluginContext context = state.context().toClient().withAccessDecision(exchange.accessDecision());
        PipelineRun run = MERGED_LISTS.contains(exchange.method()) ? PipelineRun.untouched(response)
                : pipeline.response(state.request(), response, context);
        observe(run);
        Response answer = switch (run.outcome()) {
            case BLOCKED -> Response.failure(response.id(), Plugins.blocked("Response", run));
            case ERROR -> Response.failure(response.id(), Plugins.failed(run));
            case MODIFIED -> (Response) run.message();
            default -> response;
        };
        if (pipeline.hasAuditors()) {
            pipeline.audit(new AuditEvent(AuditEvent.Type.RESPONSE, Instant.now(), context, exchange.inFlight().clientId(),
                    exchange.method(), AuditEvent.targetOf(state.request()), answer, run,
                    System.nanoTime() - exchange.startNanos()));
        }
        return answer;
    }

    @Override
    public @Nullable Notification onNotification(Exchange exchange, Notification notification) {
        State state = exchange.attachment(State.class);
        if (state == null || state.pipeline().isEmpty()) {
            return notification;
        }
        return plugins.aboutRequest(state.pipeline(), state.context(), notification);
    }

    private Request materialized(Request request) {
        JsonNode params = request.params();
        return params == null ? request : request.withParams(codec.materializeAll(params));
    }
}
