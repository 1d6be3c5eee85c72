package io.gatekit.audit;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * How an audit CSV file writes its rows ({@code csv_config}), and the protections every text value gets first:
 * backslashes and line breaks are escaped ({@code \\}, {@code \n}, {@code \r}) so a record stays on one line; a value
 * longer than {@value #MAX_VALUE} characters is cut (spreadsheets refuse longer cells); a value that starts with
 * {@code = + - @} or a tab gets a leading {@code '} so a spreadsheet does not run it as a formula. Numbers are
 * written as they are.
 *
 * @param quoteStyle minimal (quote a value holding the delimiter or the quote), all, nonnumeric, or none (never
 *     quote; escape the delimiter, the quote and the escape character with {@code escapeChar})
 * @param nullValue what an absent value is written as
 */
record CsvDialect(char delimiter, char quoteChar, QuoteStyle quoteStyle, char escapeChar, String nullValue) {

    static final int MAX_VALUE = 32_000;
    private static final String CUT = "...";

    static final CsvDialect DEFAULT = new CsvDialect(',', '"', QuoteStyle.MINIMAL, '\\', "");

    enum QuoteStyle {
        MINIMAL, ALL, NONNUMERIC, NONE;

        static QuoteStyle of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    /** The dialect a {@code csv_config} object names, the defaults for what it leaves out. */
    static CsvDialect of(JsonNode config) {
        return new CsvDialect(first(config.path("delimiter").asString(","), ','),
                first(config.path("quote_char").asString("\""), '"'),
                QuoteStyle.of(config.path("quote_style").asString("minimal")),
                first(config.path("escape_char").asString("\\"), '\\'),
                config.path("null_value").asString(""));
    }

    private static char first(String text, char otherwise) {
        return text.isEmpty() ? otherwise : text.charAt(0);
    }

    /**
     * One row: a {@link String} is text (protected as the class says), a {@link Number} is written as it is, a
     * {@link Boolean} as {@code true}/{@code false}, null as {@link #nullValue}.
     */
    String row(List<? extends @Nullable Object> values) {
        StringBuilder row = new StringBuilder(128);
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                row.append(delimiter);
            }
            Object value = values.get(i);
            switch (value) {
                case null -> appendField(row, nullValue, false);
                case Number number -> appendField(row, number.toString(), true);
                case Boolean flag -> appendField(row, flag.toString(), false);
                default -> appendField(row, protect(value.toString()), false);
            }
        }
        return row.toString();
    }

    /** The header row: the column names, quoted as values are. */
    String header(List<String> columns) {
        return row(columns);
    }

    /** Escapes line breaks, cuts long values and defuses formulas. */
    static String protect(String value) {
        if (value.isEmpty()) {
            return value;
        }
        String escaped = value.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n");
        if (escaped.length() > MAX_VALUE) {
            int end = MAX_VALUE - CUT.length();
            end = Character.isHighSurrogate(escaped.charAt(end - 1)) ? end - 1 : end;
            escaped = escaped.substring(0, end) + CUT;
        }
        char first = escaped.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' ? "'" + escaped : escaped;
    }

    private void appendField(StringBuilder row, String text, boolean numeric) {
        boolean quote = switch (quoteStyle) {
            case ALL -> true;
            case NONNUMERIC -> !numeric;
            case MINIMAL -> text.indexOf(delimiter) >= 0 || text.indexOf(quoteChar) >= 0;
            case NONE -> false;
        };
        if (quote) {
            row.append(quoteChar);
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == quoteChar) {
                    row.append(quoteChar); // a quote inside quotes is doubled
                }
                row.append(c);
            }
            row.append(quoteChar);
        } else if (quoteStyle == QuoteStyle.NONE) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == delimiter || c == quoteChar || c == escapeChar) {
                    row.append(escapeChar);
                }
                row.append(c);
            }
        } else {
            row.append(text);
        }
    }
}
