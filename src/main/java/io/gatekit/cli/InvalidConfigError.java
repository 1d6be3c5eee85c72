package io.gatekit.cli;

import io.gatekit.config.ConfigException;
import io.gatekit.config.ConfigProblem;
import io.gatekit.config.SourceLocation;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcError;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON-RPC error a stdio client gets when the gateway cannot start because its configuration is invalid
 * ({@link ErrorCode#CONFIGURATION_INVALID}): a message a person can act on from a client's error banner (the first
 * problems and how to fix them), and {@code data.problems} with every problem as
 * {@code {file, line, column, field, message, suggestion?}} for tools (line and column 0: unknown; field empty: the
 * document as a whole).
 */
final class InvalidConfigError {
    /** Problems spelt out in the message; the rest are counted (all of them are in {@code data}). */
    static final int PROBLEMS_IN_MESSAGE = 3;

    private InvalidConfigError() {}

    static JsonRpcError of(ConfigException failure, Optional<Path> file) {
        List<ConfigProblem> problems = failure.problems();
        String first = problems.stream().limit(PROBLEMS_IN_MESSAGE).map(ConfigProblem::toString)
                .collect(Collectors.joining("\n"));
        int more = problems.size() - PROBLEMS_IN_MESSAGE;
        String message = "Gatekit cannot start: invalid configuration (" + count(problems.size()) + "):\n" + first
                + (more > 0 ? "\n... and " + count(more) + " more (all in error.data.problems)" : "")
                + "\nFix " + file.map(Path::toString).orElse("the configuration") + " (`gatekit validate"
                + file.map(f -> " --config " + f).orElse("") + "` checks it), then restart this server in your MCP client.";
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        ArrayNode list = data.putArray("problems");
        for (ConfigProblem problem : problems) {
            SourceLocation at = problem.location();
            ObjectNode item = list.addObject()
                    .put("file", at.file())
                    .put("line", at.line())
                    .put("column", at.column())
                    .put("field", at.field())
                    .put("message", problem.message());
            problem.suggestion().ifPresent(suggestion -> item.put("suggestion", suggestion));
        }
        return new JsonRpcError(ErrorCode.CONFIGURATION_INVALID.code(), message, data);
    }

    private static String count(int problems) {
        return problems + (problems == 1 ? " problem" : " problems");
    }
}
