package io.gatekit.audit;

import io.gatekit.plugins.Plugin;
import io.gatekit.plugins.PluginSetup;
import tools.jackson.databind.node.ObjectNode;

/** {@code audit_csv}: every message as one CSV row ({@link CsvFormat}), for spreadsheets. */
public final class AuditCsvFactory extends FileAuditorFactory {

    public AuditCsvFactory() {
        super("audit_csv", "Log every MCP message as one CSV row, for spreadsheets (formula injection defused)",
                "logs/gatekit_audit.csv");
    }

    @Override
    void addOptions(ObjectNode properties) {
        ObjectNode csv = properties.putObject("csv_config");
        csv.put("type", "object").put("additionalProperties", false).put("description", "how rows are written");
        ObjectNode options = csv.putObject("properties");
        ObjectNode delimiter = options.putObject("delimiter").put("type", "string").put("default", ",");
        delimiter.putArray("enum").add(",").add("\t").add(";").add("|");
        options.putObject("quote_char").put("type", "string").put("minLength", 1).put("maxLength", 1).put("default", "\"");
        ObjectNode style = options.putObject("quote_style").put("type", "string").put("default", "minimal");
        style.putArray("enum").add("minimal").add("all").add("nonnumeric").add("none");
        options.putObject("escape_char").put("type", "string").put("minLength", 1).put("maxLength", 1)
                .put("default", "\\").put("description", "escapes the delimiter and quote when quote_style is none");
        options.putObject("null_value").put("type", "string").put("default", "")
                .put("description", "what an absent value is written as");
    }

    @Override
    Plugin create(PluginSetup setup, FileOptions file) {
        CsvDialect dialect = CsvDialect.of(setup.options().path("csv_config"));
        if (dialect.delimiter() == dialect.quoteChar()) {
            throw new IllegalArgumentException("csv_config: the delimiter and the quote_char must differ");
        }
        return new FileAuditor(AuditWriter.lease(setup.shared(), file.outputFile(), CsvFormat.layout(dialect), file.settings()),
                new CsvFormat(dialect, formatCodec()), null);
    }
}
