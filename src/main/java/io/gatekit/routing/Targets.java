package io.gatekit.routing;

import io.gatekit.chain.Target;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.upstream.Upstream;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.ObjLongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * The {@code upstream__name} rule applied to requests: which upstream a tool, prompt, resource or completion
 * belongs to (a tool listed under an alias through {@link ToolAliases}), the params renamed into that upstream's
 * own terms, and an upstream's error renamed back into the client's. The one place where requests are resolved
 * to an upstream.
 */
public final class Targets {
    /** The methods that go to exactly one upstream, found by the name or URI they carry. */
    public static final Set<String> SINGLE_UPSTREAM_METHODS =
            Set.of("tools/call", "prompts/get", "resources/read", "completion/complete");

    private final UpstreamSet upstreams;
    private final ResourceIndex resources;
    private final ToolAliases toolAliases;
    private final ObjLongConsumer<Upstream> fetchTools;
    private final BooleanSupplier namesUpstreams;

    /**
     * @param fetchTools lists an upstream's tools by a deadline, recording their aliases in {@code toolAliases}
     * @param namesUpstreams whether an error about an unknown upstream may say so and list the upstreams there are
     *     (not under an access policy, whose denials it must not be told apart from)
     */
    Targets(UpstreamSet upstreams, ResourceIndex resources, ToolAliases toolAliases, ObjLongConsumer<Upstream> fetchTools,
            BooleanSupplier namesUpstreams) {
        this.upstreams = upstreams;
        this.resources = resources;
        this.toolAliases = toolAliases;
        this.fetchTools = fetchTools;
        this.namesUpstreams = namesUpstreams;
    }

    /**
     * Where a single-upstream request goes: tools and prompts by qualified name (or a tool by its alias), resources
     * by qualified URI, completions by their ref. Throws -32602 when the name or URI belongs to no upstream.
     * {@code mayFetch} says whether this thread may wait for a tool list, to resolve an alias not seen yet
     * ({@link #mayFetchTools}).
     */
    Target target(String method, ObjectNode params, long deadlineNanos, boolean mayFetch) {
        String upstream;
        String name;
        switch (method) {
            case "tools/call" -> {
                Namespace.Qualified q = resolveTool(requireString(params, "name", method), deadlineNanos, mayFetch);
                upstream = q.upstream();
                name = q.name();
            }
            case "prompts/get" -> {
                Namespace.Qualified q = resolve(requireString(params, "name", method), "prompt");
                upstream = q.upstream();
                name = q.name();
            }
            case "resources/read" -> {
                Namespace.Qualified q = resolveUri(requireString(params, "uri", method));
                upstream = q.upstream();
                name = q.name();
            }
            case "completion/complete" -> {
                ObjectNode ref = completionRef(params);
                String member = completionMember(ref);
                String value = requireString(ref, member, "completion/complete ref");
                Namespace.Qualified q = member.equals("name") ? resolve(value, "prompt") : resolveUri(value);
                upstream = q.upstream();
                name = q.name();
            }
            default -> throw new IllegalArgumentException("not a single-upstream method: " + method);
        }
        return new Target(existing(upstream), name);
    }

    private Upstream existing(String name) {
        Upstream upstream = upstreams.get(name);
        if (upstream == null) {
            throw new GatewayException(ErrorCode.INVALID_PARAMS, "No upstream named '" + name + "'");
        }
        return upstream;
    }

    /** The params in the upstream's own terms: its name or URI in place of the qualified one. */
    static ObjectNode renamed(String method, ObjectNode params, String name) {
        return switch (method) {
            case "tools/call", "prompts/get" -> withMember(params, "name", name);
            case "resources/read" -> withMember(params, "uri", name);
            case "completion/complete" -> {
                ObjectNode ref = completionRef(params);
                yield withMember(params, "ref", withMember(ref, completionMember(ref), name));
            }
            default -> throw new IllegalArgumentException("not a single-upstream method: " + method);
        };
    }

    /** An upstream's error names the tool as it knows it; show the client the qualified name. */
    static JsonRpcError qualifyError(JsonRpcError error, Target target) {
        return qualifyError(error, target, Namespace.qualify(target.upstream().name(), target.name()));
    }

    /** An upstream's error names the tool as it knows it; show the client {@code qualified}, the name it used. */
    static JsonRpcError qualifyError(JsonRpcError error, Target target, String qualified) {
        String message = error.message();
        // An empty name is in every message, everywhere: nothing to rename.
        if (!target.name().isEmpty() && message.contains(target.name()) && !message.contains(qualified)) {
            message = message.replaceAll("(?<![\\w.-])" + Pattern.quote(target.name()) + "(?![\\w.-])",
                    Matcher.quoteReplacement(qualified));
        }
        return new JsonRpcError(error.code(), message, error.data());
    }

    /**
     * A tool by the name clients see: a listed alias, else {@code upstream__name}. An alias-shaped name that no
     * list has shown yet makes the upstreams it could belong to list their tools once (when {@code mayFetch}).
     */
    private Namespace.Qualified resolveTool(String called, long deadlineNanos, boolean mayFetch) {
        Namespace.Qualified aliased = toolAliases.resolve(called);
        if (aliased == null && mayFetch) {
            for (String candidate : toolAliases.staleCandidates(called, upstreams.names())) {
                Upstream upstream = upstreams.get(candidate);
                if (upstream != null) {
                    toolAliases.refreshIfStale(candidate, () -> fetchTools.accept(upstream, deadlineNanos));
                }
            }
            aliased = toolAliases.resolve(called);
        }
        return aliased != null ? aliased : resolve(called, "tool");
    }

    /** Whether resolving {@code params}' tool may wait for a tool list: an alias not seen yet, with a list to fetch. */
    boolean mayFetchTools(ObjectNode params) {
        return params.get("name") instanceof StringNode name && toolAliases.resolve(name.stringValue()) == null
                && !toolAliases.staleCandidates(name.stringValue(), upstreams.names()).isEmpty();
    }

    Namespace.Qualified resolve(String qualified, String what) {
        Namespace.Qualified target = Namespace.split(qualified).orElseThrow(() -> new GatewayException(ErrorCode.INVALID_PARAMS,
                "Unknown " + what + " '" + qualified + "': Gatekit names them <upstream>" + Namespace.SEPARATOR + "<name>"));
        if (!upstreams.contains(target.upstream())) {
            if (!namesUpstreams.getAsBoolean()) {
                // The policy's denial, word for word: a missing upstream and a hidden one look alike.
                throw new GatewayException(ErrorCode.INVALID_PARAMS, "Unknown " + what + ": " + qualified);
            }
            throw new GatewayException(ErrorCode.INVALID_PARAMS, "Unknown " + what + " '" + qualified
                    + "': no upstream named '" + target.upstream() + "' (upstreams: " + String.join(", ", upstreams.names()) + ")");
        }
        return target;
    }

    /**
     * A resource URI as clients see it: {@code upstream__<upstream's uri>}. A bare upstream URI (as found in
     * tool results, which are passed through untouched) is accepted too when one upstream is known to serve it.
     */
    Namespace.Qualified resolveUri(String uri) {
        var split = Namespace.split(uri);
        if (split.isPresent() && upstreams.contains(split.get().upstream())) {
            return split.get();
        }
        String owner = resources.upstreamFor(uri).orElseGet(() -> {
            List<Upstream> withResources = upstreams.all().stream()
                    .filter(u -> u.info().map(i -> i.has("resources")).orElse(false)).toList();
            if (withResources.size() == 1) {
                return withResources.getFirst().name();
            }
            throw new GatewayException(ErrorCode.INVALID_PARAMS, "Unknown resource '" + uri
                    + "': Gatekit names resources <upstream>" + Namespace.SEPARATOR + "<uri> (see resources/list)");
        });
        return new Namespace.Qualified(owner, uri);
    }

    private static ObjectNode completionRef(ObjectNode params) {
        if (!(params.get("ref") instanceof ObjectNode ref)) {
            throw new GatewayException(ErrorCode.INVALID_PARAMS, "completion/complete needs a \"ref\" object");
        }
        return ref;
    }

    private static String completionMember(ObjectNode ref) {
        String type = ref.path("type").asString("");
        return switch (type) {
            case "ref/prompt" -> "name";
            case "ref/resource" -> "uri";
            default -> throw new GatewayException(ErrorCode.INVALID_PARAMS, "Unknown completion ref type '" + type + "'");
        };
    }

    static String requireString(ObjectNode params, String member, String where) {
        JsonNode value = params.get(member);
        if (value == null || !value.isString()) {
            throw new GatewayException(ErrorCode.INVALID_PARAMS, where + " needs a string \"" + member + "\"");
        }
        return value.stringValue();
    }

    /**
     * The params with one member replaced, in place: a decoded request's tree belongs to that request alone,
     * and copying a large {@code arguments} object per forward showed up in profiles.
     */
    static ObjectNode withMember(ObjectNode object, String member, JsonNode value) {
        object.set(member, value);
        return object;
    }

    static ObjectNode withMember(ObjectNode object, String member, String value) {
        return withMember(object, member, JsonNodeFactory.instance.stringNode(value));
    }
}
