package io.gatekit.config;

import org.jspecify.annotations.Nullable;

/**
 * Looks at the YAML text where a scalar starts, for the two things Jackson's parser does not expose: the
 * scalar's anchor ({@code &name}) and whether it was quoted or a block scalar rather than plain.
 *
 * @param anchor the anchor name, or null
 * @param plain true only when the scalar was certainly written unquoted
 */
record ScalarSource(@Nullable String anchor, boolean plain) {

    private static final ScalarSource UNKNOWN = new ScalarSource(null, false);

    static ScalarSource at(String[] lines, int line, int column) {
        if (line < 1 || line > lines.length || column < 1) {
            return UNKNOWN;
        }
        String text = lines[line - 1];
        int i;
        try {
            // Parser columns count code points, not UTF-16 chars.
            i = text.offsetByCodePoints(0, column - 1);
        } catch (IndexOutOfBoundsException e) {
            return UNKNOWN;
        }
        String anchor = null;
        while (i < text.length() && (text.charAt(i) == '&' || text.charAt(i) == '!')) {
            int end = i;
            while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
                end++;
            }
            if (text.charAt(i) == '&') {
                anchor = text.substring(i + 1, end);
            }
            i = end;
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
        }
        if (i >= text.length()) {
            // The value continues on a later line; without following it, make no claim about quoting.
            return new ScalarSource(anchor, false);
        }
        char first = text.charAt(i);
        return new ScalarSource(anchor, first != '"' && first != '\'' && first != '|' && first != '>');
    }
}
