package io.gatekit.security;

import java.util.List;

/**
 * Words one of which any match of a pattern must contain. Looking for them with {@link String#indexOf} is much
 * cheaper than running the pattern at every position, so a pattern whose words are all absent is not run: ordinary
 * text pays for a few fast searches instead of a few dozen regular expressions. Immutable.
 */
record Needles(List<String> words) {

    Needles {
        words = List.copyOf(words);
    }

    /** From {@code "a|b|c"}. */
    static Needles of(String alternatives) {
        return new Needles(List.of(alternatives.split("\\|")));
    }

    /** Whether {@code text} contains one of the words (compare a lower-cased text with lower-case words). */
    boolean in(String text) {
        for (String word : words) {
            if (text.contains(word)) {
                return true;
            }
        }
        return false;
    }
}
