package io.gatekit.security.policy;

import io.gatekit.chain.Decision;
import io.gatekit.chain.Exchange;
import io.gatekit.chain.Link;
import io.gatekit.chain.Target;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcError;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The link that decides whether the caller may use the one tool, prompt or resource a request names ({@code
 * tools/call}, {@code prompts/get}, {@code resources/read}, {@code completion/complete}) by its {@link CallerPolicy},
 * the same decision that filters the merged lists. It sits after targeting (it decides on the resolved upstream and
 * name, which no later link changes) and before the plugins, and only records the decision ({@link
 * Exchange#accessDecision}), so that auditors see it on the request's own record as well as on its answer; {@link
 * PolicyEnforcement}, after the plugins, refuses a denied request with the error {@link #unknown} makes. Without a
 * policy it costs one volatile read.
 */
public final class PolicyLink implements Link {
    /** The caller's policy, kept from {@link #mayBlock} to {@link #onRequest}. */
    private record Decided(CallerPolicy policy) {}

    /** A denial waiting for {@link PolicyEnforcement}: the error the caller gets. */
    record Denied(JsonRpcError error) {}

    private final CurrentPolicy current;
    private final ToolHints hints;

    public PolicyLink(CurrentPolicy current, ToolHints hints) {
        this.current = current;
        this.hints = hints;
    }

    /** A tool call may wait for the merged tool list when a rule about the caller reads {@code readOnlyHint}. */
    @Override
    public boolean mayBlock(Exchange exchange) {
        if (exchange.target() == null || !"tools/call".equals(exchange.method())) {
            return false;
        }
        return callerPolicy(exchange).readsReadOnlyHints();
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        Target target = exchange.target();
        if (target == null) {
            if (current.get().isConfigured() && exchange.method().endsWith("/list")) {
                exchange.accessDecision("filtered");
            }
            return Decision.proceed();
        }
        AccessKind kind = kindOf(exchange);
        if (kind == null) {
            return Decision.proceed();
        }
        CallerPolicy policy = callerPolicy(exchange);
        if (policy.isUnrestricted()) {
            return Decision.proceed();
        }
        String upstream = target.upstream().name();
        Verdict verdict = policy.decide(kind, upstream, target.name(),
                () -> hints.readOnly(upstream, target.name(), exchange.deadlineNanos()));
        exchange.accessDecision(verdict.describe());
        if (!verdict.allowed()) {
            exchange.attach(Denied.class, new Denied(unknown(kind, target.name())));
        }
        return Decision.proceed();
    }

    private CallerPolicy callerPolicy(Exchange exchange) {
        AccessPolicy policy = current.get();
        if (!policy.isConfigured()) {
            return CallerPolicy.UNRESTRICTED; // nothing to keep: no attachment map for the common case
        }
        Decided decided = exchange.attachment(Decided.class);
        if (decided == null) {
            decided = new Decided(policy.forCaller(exchange.principal()));
            exchange.attach(Decided.class, decided);
        }
        return decided.policy();
    }

    /**
     * The error for a name the caller may not use: an unknown name's, in the upstream's terms (targeting renames it
     * back to the name the caller used, as it does an upstream's own error).
     */
    public static JsonRpcError unknown(AccessKind kind, String name) {
        return new JsonRpcError(ErrorCode.INVALID_PARAMS.code(), "Unknown " + kind.noun() + ": " + name, null);
    }

    private static @Nullable AccessKind kindOf(Exchange exchange) {
        return switch (exchange.method()) {
            case "tools/call" -> AccessKind.TOOL;
            case "prompts/get" -> AccessKind.PROMPT;
            case "resources/read" -> AccessKind.RESOURCE;
            case "completion/complete" -> {
                JsonNode params = exchange.request().params();
                String type = params == null ? "" : params.path("ref").path("type").asString("");
                yield "ref/prompt".equals(type) ? AccessKind.PROMPT : AccessKind.RESOURCE;
            }
            default -> null;
        };
    }
}
