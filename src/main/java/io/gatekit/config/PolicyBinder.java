package io.gatekit.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Binds the {@code policy:} section and {@code proxy.stdio.principal}, and checks what the schema cannot: a rule
 * that names nothing, an upstream name (not a pattern) that no upstream has.
 */
final class PolicyBinder {
    private static final FieldPath POLICY = FieldPath.of("policy");

    private PolicyBinder() {}

    static Optional<PolicyConfig> bind(JsonNode node, Set<String> upstreamNames, Problems problems) {
        if (!node.isObject()) {
            return Optional.empty();
        }
        PolicyEffect defaultEffect = Nodes.choice(node, "default", PolicyEffect.class).orElse(PolicyEffect.DENY);
        List<PolicyRule> rules = new ArrayList<>();
        JsonNode list = node.path("rules");
        for (int i = 0; i < list.size(); i++) {
            PolicyRule rule = rule(list.get(i), i, upstreamNames, problems);
            if (rule != null) {
                rules.add(rule);
            }
        }
        return Optional.ofNullable(problems.build(POLICY, () -> new PolicyConfig(defaultEffect,
                Nodes.string(node, "group_claim").orElse(PolicyConfig.DEFAULT_GROUP_CLAIM),
                Nodes.string(node, "scope_claim").orElse(PolicyConfig.DEFAULT_SCOPE_CLAIM), rules)));
    }

    private static @Nullable PolicyRule rule(JsonNode node, int index, Set<String> upstreamNames, Problems problems) {
        FieldPath at = POLICY.child("rules").index(index);
        List<String> upstreams = strings(node, "upstreams");
        for (int i = 0; i < upstreams.size(); i++) {
            String name = upstreams.get(i);
            if (!isPattern(name) && !upstreamNames.contains(name)) {
                problems.at(at.child("upstreams").index(i), "no upstream named '" + name + "'"
                        + Suggestions.hint(name, upstreamNames));
            }
        }
        List<String> tools = strings(node, "tools");
        List<String> prompts = strings(node, "prompts");
        List<String> resources = strings(node, "resources");
        if (node.isObject() && upstreams.isEmpty() && tools.isEmpty() && prompts.isEmpty() && resources.isEmpty()) {
            problems.at(at, "the rule names nothing: give upstreams, tools, prompts or resources");
            return null;
        }
        Optional<PolicyEffect> effect = Nodes.choice(node, "effect", PolicyEffect.class);
        if (effect.isEmpty()) {
            return null; // the schema reported it
        }
        return problems.build(at, () -> new PolicyRule(Nodes.string(node, "name").orElse("rules[" + index + "]"),
                effect.get(), strings(node, "subjects"), strings(node, "groups"), strings(node, "scopes"), upstreams,
                tools, prompts, resources, Nodes.bool(node, "read_only_tools", false)));
    }

    static Optional<StdioPrincipal> stdioPrincipal(JsonNode proxy) {
        JsonNode principal = proxy.path("stdio").path("principal");
        Optional<String> subject = Nodes.string(principal, "subject");
        if (subject.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        JsonNode given = principal.path("claims");
        if (given.isObject()) {
            for (Map.Entry<String, JsonNode> claim : given.properties()) {
                Object value = plain(claim.getValue());
                if (value != null) {
                    claims.put(claim.getKey(), value);
                }
            }
        }
        return Optional.of(new StdioPrincipal(subject.get(), claims));
    }

    /** A claim's value as a plain Java value, as a decoded token's claims are: null for JSON null. */
    private static @Nullable Object plain(JsonNode value) {
        if (value.isString()) {
            return value.stringValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isNumber()) {
            return value.numberValue();
        }
        if (value.isArray()) {
            List<Object> items = new ArrayList<>();
            for (JsonNode item : value) {
                Object plain = plain(item);
                if (plain != null) {
                    items.add(plain);
                }
            }
            return List.copyOf(items);
        }
        if (value.isObject()) {
            Map<String, Object> members = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> member : value.properties()) {
                Object plain = plain(member.getValue());
                if (plain != null) {
                    members.put(member.getKey(), plain);
                }
            }
            return Map.copyOf(members);
        }
        return null;
    }

    private static boolean isPattern(String name) {
        return name.indexOf('*') >= 0 || name.indexOf('?') >= 0;
    }

    private static List<String> strings(JsonNode object, String key) {
        List<String> items = new ArrayList<>();
        object.path(key).forEach(item -> {
            if (item.isString()) {
                items.add(item.stringValue());
            }
        });
        return items;
    }
}
