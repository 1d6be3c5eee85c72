package io.gatekit.config;

import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration could not be loaded. Carries every problem found, not just the first, so a user can fix a
 * file in one pass; {@link #getMessage()} has one line per problem, {@code <file>:<line>:<col>: <field>: <message>}.
 */
public final class ConfigException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    /** @param problems at least one, in the order they should be shown */
    public ConfigException(List<ConfigProblem> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    static ConfigException of(SourceLocation location, String message) {
        return new ConfigException(List.of(new ConfigProblem(location, message)));
    }

    /** The problems in file order; never empty. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(List<ConfigProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        return problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n"));
    }
}
