package io.gatekit.plugins;

/**
 * A plugin instance, created by its {@link PluginFactory} from one configured entry. One instance serves every
 * request of its scope at once, from many threads: per-request state belongs in the {@link PluginContext}
 * (or keyed by it), never in fields written per message.
 *
 * <p>The family is fixed by the subtype: {@link FilterPlugin} (security and middleware: they see each message and
 * decide) or {@link AuditingPlugin} (records the outcome).
 */
public sealed interface Plugin extends AutoCloseable permits FilterPlugin, AuditingPlugin {

    /**
     * Whether this plugin reads the bodies ({@code params}, {@code result}) of messages of {@code method}. When no
     * plugin of a request's pipeline does, the gateway passes the bodies through as raw bytes without reading them
     * into trees; the default is the safe answer, so a plugin that only looks at methods and names should say no.
     */
    default boolean readsBodies(String method) {
        return true;
    }

    /**
     * Whether this plugin may block its thread (files, network, locks held for long). Most plugins only compute;
     * a pipeline with one that blocks runs on a virtual thread.
     */
    default boolean mayBlock() {
        return false;
    }

    /** Releases what the plugin holds (files, threads); called once, when its configuration is retired. */
    @Override
    default void close() {}
}
