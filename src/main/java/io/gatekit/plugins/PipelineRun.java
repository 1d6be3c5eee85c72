package io.gatekit.plugins;

import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The result of running one message through a scope's filters.
 *
 * @param outcome what the pipeline came to
 * @param message the message as it leaves the pipeline (the input when nothing changed it, or when it was blocked)
 * @param completion the plugin's own answer when {@code outcome} is {@link PipelineOutcome#COMPLETED_BY_MIDDLEWARE}
 * @param decidedBy the handler that blocked, completed or failed it; empty otherwise
 * @param reason that handler's reason (or the failure); for a pass, the reasons of the plugins that gave one
 * @param blockData what a blocking plugin wants the client to see in the error's {@code data}
 * @param stages each plugin's part, in order
 * @param contentCleared true when a security plugin blocked or modified the message: audit records then keep a hash
 *     of the content, never the content itself (it may be the secret that was redacted)
 */
public record PipelineRun(PipelineOutcome outcome, JsonRpcMessage message, @Nullable Response completion,
        String decidedBy, String reason, @Nullable JsonNode blockData, List<StageResult> stages, boolean contentCleared) {

    public PipelineRun {
        stages = List.copyOf(stages);
    }

    /** The run of a message no filter looked at. */
    public static PipelineRun untouched(JsonRpcMessage message) {
        return new PipelineRun(PipelineOutcome.NO_SECURITY_EVALUATION, message, null, "", "", null, List.of(), false);
    }

    public boolean passes() {
        return outcome == PipelineOutcome.ALLOWED || outcome == PipelineOutcome.MODIFIED
                || outcome == PipelineOutcome.NO_SECURITY_EVALUATION;
    }
}
