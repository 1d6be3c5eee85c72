package io.gatekit.plugins;

import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins of one scope (an upstream, or the global scope), resolved: the filters (security and middleware
 * merged, by priority, config order on ties) and the auditors (config order). Runs one message through the filters
 * with the original's semantics: each filter gets the previous one's output; the run stops at a block, at a
 * completion and at a failing critical plugin; a failing non-critical plugin is logged and skipped.
 *
 * <p>Immutable and shared by every message of its scope; what {@link #readsBodies} and {@link #mayBlock} answer
 * is worked out once here.
 */
public final class Pipeline {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    static final Pipeline EMPTY = new Pipeline(List.of(), List.of());

    private final InstalledPlugin[] filters;
    private final InstalledPlugin[] auditors;
    private final boolean mayBlock;

    Pipeline(List<InstalledPlugin> filters, List<InstalledPlugin> auditors) {
        this.filters = filters.toArray(InstalledPlugin[]::new);
        this.auditors = auditors.toArray(InstalledPlugin[]::new);
        boolean blocks = false;
        for (InstalledPlugin each : this.filters) {
            blocks |= each.plugin().mayBlock();
        }
        for (InstalledPlugin each : this.auditors) {
            blocks |= each.plugin().mayBlock();
        }
        this.mayBlock = blocks;
    }

    public boolean isEmpty() {
        return filters.length == 0 && auditors.length == 0;
    }

    public boolean hasFilters() {
        return filters.length > 0;
    }

    public boolean mayBlock() {
        return mayBlock;
    }

    /** Whether any plugin of this scope reads bodies of {@code method} (else they stay raw bytes). */
    public boolean readsBodies(String method) {
        for (InstalledPlugin each : filters) {
            if (each.plugin().readsBodies(method)) {
                return true;
            }
        }
        for (InstalledPlugin each : auditors) {
            if (each.plugin().readsBodies(method)) {
                return true;
            }
        }
        return false;
    }

    public List<InstalledPlugin> filters() {
        return List.of(filters);
    }

    public List<InstalledPlugin> auditors() {
        return List.of(auditors);
    }

    public PipelineRun request(Request request, PluginContext context) {
        return run(request, (plugin, current) -> plugin.onRequest((Request) current, context));
    }

    public PipelineRun response(Request request, Response response, PluginContext context) {
        return run(response, (plugin, current) -> plugin.onResponse(request, (Response) current, context));
    }

    public PipelineRun notification(Notification notification, PluginContext context) {
        return run(notification, (plugin, current) -> plugin.onNotification((Notification) current, context));
    }

    /** Hands {@code event} to every auditor; an auditor that throws is logged, and fails nothing. */
    public void audit(AuditEvent event) {
        for (InstalledPlugin auditor : auditors) {
            try {
                ((AuditingPlugin) auditor.plugin()).record(event);
            } catch (RuntimeException e) {
                // The message has been decided and may already be on its way: an audit failure cannot undo it.
                // A critical auditor's failure is an error in the log, a non-critical one's a warning.
                if (auditor.settings().critical()) {
                    log.error("auditing plugin {} failed to record {}", auditor.handler(), event.method(), e);
                } else {
                    log.warn("auditing plugin {} failed to record {}: {}", auditor.handler(), event.method(), e.toString());
                }
            }
        }
    }

    public boolean hasAuditors() {
        return auditors.length > 0;
    }

    @FunctionalInterface
    private interface Step {
        PluginDecision apply(FilterPlugin plugin, JsonRpcMessage current);
    }

    private PipelineRun run(JsonRpcMessage message, Step step) {
        if (filters.length == 0) {
            return PipelineRun.untouched(message);
        }
        JsonRpcMessage current = message;
        List<StageResult> stages = new ArrayList<>(filters.length);
        boolean securityRan = false;
        boolean modified = false;
        boolean securityTouched = false;
        for (InstalledPlugin each : filters) {
            FilterPlugin plugin = (FilterPlugin) each.plugin();
            boolean security = each.kind() == PluginKind.SECURITY;
            long start = System.nanoTime();
            PluginDecision decision;
            String breach;
            try {
                decision = step.apply(plugin, current);
                breach = contractBreach(each, decision, current);
            } catch (RuntimeException e) {
                decision = null;
                breach = "failed: " + e;
                log.debug("plugin {} failed on {}", each.handler(), describe(current), e);
            }
            long nanos = System.nanoTime() - start;
            if (decision == null || breach != null) {
                String reason = breach == null ? "failed" : breach;
                stages.add(new StageResult(each.handler(), each.kind(), PipelineOutcome.ERROR, reason, nanos));
                if (each.settings().critical()) {
                    log.warn("critical plugin {} {} on {}: failing it closed", each.handler(), reason, describe(current));
                    return new PipelineRun(PipelineOutcome.ERROR, current, null, each.handler(), reason, null, stages,
                            securityTouched);
                }
                log.warn("plugin {} {} on {}: skipped (not critical)", each.handler(), reason, describe(current));
                continue;
            }
            securityRan |= security;
            switch (decision) {
                case PluginDecision.Block block -> {
                    stages.add(new StageResult(each.handler(), each.kind(), PipelineOutcome.BLOCKED, block.reason(), nanos));
                    return new PipelineRun(PipelineOutcome.BLOCKED, current, null, each.handler(), block.reason(),
                            block.data(), stages, true);
                }
                case PluginDecision.Complete complete -> {
                    stages.add(new StageResult(each.handler(), each.kind(), PipelineOutcome.COMPLETED_BY_MIDDLEWARE,
                            complete.reason(), nanos));
                    return new PipelineRun(PipelineOutcome.COMPLETED_BY_MIDDLEWARE, current, complete.response(),
                            each.handler(), complete.reason(), null, stages, securityTouched || security);
                }
                case PluginDecision.Modify modify -> {
                    stages.add(new StageResult(each.handler(), each.kind(), PipelineOutcome.MODIFIED, modify.reason(), nanos));
                    current = modify.message();
                    modified = true;
                    securityTouched |= security;
                }
                case PluginDecision.Allow allow ->
                        stages.add(new StageResult(each.handler(), each.kind(), PipelineOutcome.ALLOWED, allow.reason(), nanos));
                case PluginDecision.Pass pass ->
                        stages.add(new StageResult(each.handler(), each.kind(), PipelineOutcome.ALLOWED, pass.reason(), nanos));
            }
        }
        PipelineOutcome outcome = modified ? PipelineOutcome.MODIFIED
                : securityRan ? PipelineOutcome.ALLOWED : PipelineOutcome.NO_SECURITY_EVALUATION;
        return new PipelineRun(outcome, current, null, "", "", null, stages, securityTouched);
    }

    /** What is wrong with {@code decision} for this plugin's family and this message, or null when nothing is. */
    private static @org.jspecify.annotations.Nullable String contractBreach(InstalledPlugin each, PluginDecision decision,
            JsonRpcMessage current) {
        boolean security = each.kind() == PluginKind.SECURITY;
        String familyRule = "broke its contract: a middleware plugin may not allow or block";
        return switch (decision) {
            case PluginDecision.Pass p when security -> "broke its contract: a security plugin must allow, block or modify";
            case PluginDecision.Allow a when !security -> familyRule;
            case PluginDecision.Block b when !security -> familyRule;
            case PluginDecision.Complete c when !(current instanceof Request) ->
                    "broke its contract: only a request can be completed by a plugin";
            case PluginDecision.Modify m -> modificationBreach(current, m.message());
            default -> null;
        };
    }

    private static @org.jspecify.annotations.Nullable String modificationBreach(JsonRpcMessage current, JsonRpcMessage modified) {
        if (current.getClass() != modified.getClass()) {
            return "broke its contract: it replaced a " + kindOf(current) + " with a " + kindOf(modified);
        }
        if (current instanceof Request before && modified instanceof Request after
                && (!JsonRpcIds.same(before.id(), after.id()) || !before.method().equals(after.method()))) {
            return "broke its contract: a modified request must keep its id and method";
        }
        if (current instanceof Notification before && modified instanceof Notification after
                && !before.method().equals(after.method())) {
            return "broke its contract: a modified notification must keep its method";
        }
        return null;
    }

    private static String kindOf(JsonRpcMessage message) {
        return switch (message) {
            case Request r -> "request";
            case Notification n -> "notification";
            case Response r -> "response";
        };
    }

    private static String describe(JsonRpcMessage message) {
        return switch (message) {
            case Request r -> r.method() + " request";
            case Notification n -> n.method() + " notification";
            case Response r -> "a response";
        };
    }
}
