package io.gatekit.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Expands {@code ${VAR}} and {@code ${VAR:-default}} inside one string scalar. {@code :-} follows the shell:
 * the default applies when the variable is unset or empty. <code>$${</code> is a literal <code>${</code>. Working on
 * scalars rather than raw text means a variable's value can never change the shape of the document.
 */
final class Interpolator {

    /**
     * @param value the expanded text, or the input unchanged when there were errors
     * @param substituted whether any reference was replaced, i.e. whether the scalar's type may need re-resolving
     */
    record Result(String value, boolean substituted, List<String> errors) {}

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String DEFAULT_SEPARATOR = ":-";

    private Interpolator() {}

    static Result expand(String text, Map<String, String> variables) {
        if (!text.contains("${")) {
            return new Result(text, false, List.of());
        }
        StringBuilder out = new StringBuilder(text.length());
        List<String> errors = new ArrayList<>();
        boolean substituted = false;
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    errors.add("unterminated '${' in '" + text + "': add the closing '}'");
                    break;
                }
                String reference = text.substring(i + 2, close);
                String value = resolve(reference, variables, errors);
                out.append(value);
                substituted = true;
                i = close + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return errors.isEmpty() ? new Result(out.toString(), substituted, List.of())
                : new Result(text, false, List.copyOf(errors));
    }

    private static String resolve(String reference, Map<String, String> variables, List<String> errors) {
        int separator = reference.indexOf(DEFAULT_SEPARATOR);
        String name = separator < 0 ? reference : reference.substring(0, separator);
        if (!NAME.matcher(name).matches()) {
            errors.add("invalid variable reference '${" + reference + "}': use ${NAME} or ${NAME:-default}");
            return "";
        }
        String value = variables.get(name);
        if (separator >= 0 && (value == null || value.isEmpty())) {
            return reference.substring(separator + DEFAULT_SEPARATOR.length());
        }
        if (value == null) {
            errors.add("variable '" + name + "' is not defined; set it or give a default: ${" + name + ":-value}");
            return "";
        }
        return value;
    }
}
