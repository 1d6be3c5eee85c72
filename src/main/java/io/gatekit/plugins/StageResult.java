package io.gatekit.plugins;

/**
 * One plugin's part in a pipeline run, for audit records.
 *
 * @param handler the plugin's handler name
 * @param kind security or middleware
 * @param outcome what this plugin did: ALLOWED (allow or pass), MODIFIED, BLOCKED, COMPLETED_BY_MIDDLEWARE, or ERROR
 *     (it failed; a non-critical one is then skipped)
 * @param reason the plugin's reason, or the failure
 * @param nanos how long it took
 */
public record StageResult(String handler, PluginKind kind, PipelineOutcome outcome, String reason, long nanos) {}
