package io.gatekit.config;

import java.util.List;
import java.util.Objects;

/**
 * One rule of the {@code policy:} section. It applies to a caller whose subject, one of whose groups or one of whose
 * scopes matches (a rule naming none of the three applies to everyone, anonymous callers included), and decides the
 * items it names: every item of the matching {@code upstreams}, and the tools, prompts and resources whose names (as
 * clients see them, {@code upstream__name}) match. Patterns are globs: {@code *} any run of characters, {@code ?} one.
 *
 * @param name how audit records and logs name the rule ({@code rules[i]} when the file gives none)
 * @param readOnlyTools the rule names only tools annotated {@code readOnlyHint: true}; a tool without the hint
 *     counts as a write and falls through to later rules
 */
public record PolicyRule(String name, PolicyEffect effect, List<String> subjects, List<String> groups,
        List<String> scopes, List<String> upstreams, List<String> tools, List<String> prompts, List<String> resources,
        boolean readOnlyTools) {

    public PolicyRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(effect, "effect");
        subjects = List.copyOf(subjects);
        groups = List.copyOf(groups);
        scopes = List.copyOf(scopes);
        upstreams = List.copyOf(upstreams);
        tools = List.copyOf(tools);
        prompts = List.copyOf(prompts);
        resources = List.copyOf(resources);
        if (upstreams.isEmpty() && tools.isEmpty() && prompts.isEmpty() && resources.isEmpty()) {
            throw new IllegalArgumentException("the rule names nothing: give upstreams, tools, prompts or resources");
        }
    }

    /** Whether the rule applies to every caller (it names no subject, group or scope). */
    public boolean appliesToEveryone() {
        return subjects.isEmpty() && groups.isEmpty() && scopes.isEmpty();
    }
}
