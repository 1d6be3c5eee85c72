package io.gatekit.security;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A delimited span: an opener, optionally a keyword somewhere after it, then the first closer after that. It finds
 * what the lazy regular expression {@code open.*?keyword.*?close} (dot matching newlines) would, left to right and
 * not overlapping, but in linear time: each of the three parts is found once in one pass, and the spans are paired
 * from those positions. A backtracking engine runs the lazy expression in quadratic time on text full of openers and
 * no closer, which is exactly what hostile input sends.
 *
 * <p>With a maximum length, an opener whose closer is farther away than that counts as unclosed. Immutable.
 */
final class SpanPattern {

    /** Receives each span found, or each opener left unclosed. */
    @FunctionalInterface
    interface Sink {
        void span(int start, int end, boolean closed);
    }

    private final Pattern open;
    private final @Nullable Pattern keyword;
    private final Pattern close;
    private final int maxLength;

    /**
     * @param keyword what must come between opener and closer, or null for nothing
     * @param maxLength the longest span (opener to closer end), or 0 for no limit
     */
    SpanPattern(Pattern open, @Nullable Pattern keyword, Pattern close, int maxLength) {
        this.open = open;
        this.keyword = keyword;
        this.close = close;
        this.maxLength = maxLength;
    }

    /** A span without a length limit; the three parts compiled case-insensitively. */
    static SpanPattern of(String open, @Nullable String keyword, String close) {
        return new SpanPattern(compile(open), keyword == null ? null : compile(keyword), compile(close), 0);
    }

    private static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    }

    void find(String text, Sink sink) {
        Positions opens = Positions.of(open, text);
        if (opens.count == 0) {
            return;
        }
        Positions keywords = keyword == null ? null : Positions.of(keyword, text);
        Positions closes = close.pattern().equals(open.pattern()) && close.flags() == open.flags()
                ? opens : Positions.of(close, text);
        int k = 0;
        int c = 0;
        int after = 0;
        for (int i = 0; i < opens.count; i++) {
            int start = opens.start(i);
            if (start < after) {
                continue;
            }
            int from = opens.end(i);
            if (keywords != null) {
                while (k < keywords.count && keywords.start(k) < from) {
                    k++;
                }
                if (k == keywords.count) {
                    sink.span(start, opens.end(i), false);
                    continue;
                }
                from = keywords.end(k);
            }
            while (c < closes.count && closes.start(c) < from) {
                c++;
            }
            if (c == closes.count || (maxLength > 0 && closes.end(c) - start > maxLength)) {
                sink.span(start, opens.end(i), false);
                continue;
            }
            sink.span(start, closes.end(c), true);
            after = closes.end(c);
        }
    }

    /** Where one pattern matches in a text: start and end of each match, in order. */
    private static final class Positions {
        private int[] bounds = new int[16];
        private int count;

        static Positions of(Pattern pattern, String text) {
            Positions positions = new Positions();
            Matcher matcher = pattern.matcher(text);
            while (matcher.find()) {
                positions.add(matcher.start(), matcher.end());
            }
            return positions;
        }

        private void add(int start, int end) {
            if (2 * count + 2 > bounds.length) {
                bounds = Arrays.copyOf(bounds, bounds.length * 2);
            }
            bounds[2 * count] = start;
            bounds[2 * count + 1] = end;
            count++;
        }

        int start(int i) {
            return bounds[2 * i];
        }

        int end(int i) {
            return bounds[2 * i + 1];
        }
    }
}
