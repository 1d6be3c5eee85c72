package io.gatekit.audit;

import io.gatekit.plugins.Plugin;
import io.gatekit.plugins.PluginSetup;

/** {@code audit_human_readable}: one short line per message ({@link HumanReadableFormat}), for people. */
public final class AuditHumanReadableFactory extends FileAuditorFactory {

    public AuditHumanReadableFactory() {
        super("audit_human_readable", "Log every MCP message as one human-readable line, for watching the traffic",
                "logs/gatekit_audit.log");
    }

    @Override
    Plugin create(PluginSetup setup, FileOptions file) {
        return new FileAuditor(AuditWriter.lease(setup.shared(), file.outputFile(), HumanReadableFormat.LAYOUT,
                file.settings()), new HumanReadableFormat(formatCodec()), null);
    }
}
