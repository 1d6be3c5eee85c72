package io.gatekit.security;

import java.util.List;

/**
 * Finds one plugin's kinds of content in a text. Implementations are immutable (patterns compiled once) and must
 * take time linear in the text: no pattern may backtrack without bound, since content is hostile.
 */
@FunctionalInterface
interface Detector {

    /** Adds to {@code found} what {@code text} contains, in any order; overlaps are resolved by the caller. */
    void find(String text, List<Finding> found);

    /** The same for text decoded from base64; a detector may check less there (the secrets filter skips entropy). */
    default void findDecoded(String text, List<Finding> found) {
        find(text, found);
    }
}
