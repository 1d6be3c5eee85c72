package io.gatekit.security;

import org.jspecify.annotations.Nullable;

/**
 * A text with the usual disguises taken off, so that detectors written for ASCII see through them: invisible
 * format characters (zero-width space and joiners, bidi controls, soft hyphen, variation selectors) are dropped;
 * full-width forms, other scripts' decimal digits, Unicode spaces and dashes become their ASCII counterparts. Each
 * character of the folded text remembers where it came from, so a finding maps back to a span of the original,
 * which is what gets redacted (the invisible characters inside it included).
 *
 * <p>Not folded: look-alike letters of other scripts (Cyrillic "а" for Latin "a"), characters outside the Basic
 * Multilingual Plane (mathematical digits), and composed accents.
 */
final class FoldedText {
    private final String text;
    /** origin[i]: index in the original of the folded text's character i. */
    private final int[] origin;

    private FoldedText(String text, int[] origin) {
        this.text = text;
        this.origin = origin;
    }

    /** The folded view of {@code original}, or null when folding changes nothing (always so for ASCII text). */
    static @Nullable FoldedText of(String original) {
        int first = firstChanged(original);
        if (first < 0) {
            return null;
        }
        StringBuilder folded = new StringBuilder(original.length());
        int[] origin = new int[original.length()];
        folded.append(original, 0, first);
        for (int i = 0; i < first; i++) {
            origin[i] = i;
        }
        for (int i = first; i < original.length(); i++) {
            int c = fold(original.charAt(i));
            if (c >= 0) {
                origin[folded.length()] = i;
                folded.append((char) c);
            }
        }
        return new FoldedText(folded.toString(), origin);
    }

    String text() {
        return text;
    }

    /** The span of the original that {@code [start, end)} of the folded text came from. */
    Finding toOriginal(Finding folded) {
        int end = folded.end() == folded.start() ? origin[folded.start()] : origin[folded.end() - 1] + 1;
        return new Finding(folded.type(), origin[folded.start()], end);
    }

    private static int firstChanged(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80 && fold(c) != c) {
                return i;
            }
        }
        return -1;
    }

    /** The ASCII stand-in for {@code c}, {@code c} itself, or -1 to drop it. */
    static int fold(char c) {
        if (c < 0x80) {
            return c;
        }
        if (c >= 0xFF01 && c <= 0xFF5E) { // full-width ASCII
            return c - 0xFEE0;
        }
        if (c == 0xFE6B) { // small commercial at
            return '@';
        }
        int type = Character.getType(c);
        if (type == Character.FORMAT || (c >= 0xFE00 && c <= 0xFE0F)) {
            return -1;
        }
        if (type == Character.DECIMAL_DIGIT_NUMBER) {
            return '0' + Character.digit(c, 10);
        }
        if (Character.isSpaceChar(c)) {
            return ' ';
        }
        if (type == Character.DASH_PUNCTUATION || c == 0x2212) { // hyphens, dashes, minus sign
            return '-';
        }
        return c;
    }
}
