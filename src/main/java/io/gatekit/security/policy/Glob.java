package io.gatekit.security.policy;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Names or glob patterns ({@code *} any run of characters, {@code ?} one character; everything else literal),
 * compiled once into one regular expression.
 */
final class Glob {
    private final Pattern pattern;
    private final boolean empty;

    private Glob(List<String> globs) {
        StringBuilder regex = new StringBuilder();
        for (String glob : globs) {
            if (!regex.isEmpty()) {
                regex.append('|');
            }
            regex.append("(?:");
            StringBuilder literal = new StringBuilder();
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                if (c == '*' || c == '?') {
                    if (!literal.isEmpty()) {
                        regex.append(Pattern.quote(literal.toString()));
                        literal.setLength(0);
                    }
                    regex.append(c == '*' ? ".*" : ".");
                } else {
                    literal.append(c);
                }
            }
            if (!literal.isEmpty()) {
                regex.append(Pattern.quote(literal.toString()));
            }
            regex.append(')');
        }
        this.pattern = Pattern.compile(regex.toString(), Pattern.DOTALL);
        this.empty = globs.isEmpty();
    }

    static Glob of(List<String> globs) {
        return new Glob(globs);
    }

    boolean isEmpty() {
        return empty;
    }

    boolean matches(String text) {
        return !empty && pattern.matcher(text).matches();
    }

    boolean matchesAny(Iterable<String> texts) {
        if (empty) {
            return false;
        }
        for (String text : texts) {
            if (matches(text)) {
                return true;
            }
        }
        return false;
    }
}
