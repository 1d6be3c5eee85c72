package io.gatekit.jsonrpc;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * A key that appears twice in one object of a message ({@code name}, unescaped) and the JSON Pointer to it. Found
 * only after decoding refused a text (ADR 0014), to say precisely what was wrong; never on the hot path.
 */
record DuplicateKey(String name, String pointer) {
    /** Names and paths can be as long as the message; the error quotes only this much of each. */
    private static final int SHOWN_CHARS = 200;

    /**
     * The first repeated key of a well-formed text holding one JSON value; null when no key repeats or the text is
     * not well-formed (that is a parse error, whatever else it has).
     */
    static @Nullable DuplicateKey first(JsonMapper mapper, byte[] bytes, int offset, int length) {
        DuplicateKey found = null;
        try (JsonParser parser = mapper.createParser(bytes, offset, length)) {
            Deque<Set<String>> objects = new ArrayDeque<>();
            int depth = 0;
            do {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    return null;
                }
                switch (token) {
                    case START_OBJECT -> objects.push(new HashSet<>());
                    case END_OBJECT -> objects.pop();
                    case PROPERTY_NAME -> {
                        if (!objects.element().add(parser.currentName()) && found == null) {
                            found = new DuplicateKey(parser.currentName(), parser.streamReadContext().pathAsPointer().toString());
                        }
                    }
                    default -> { }
                }
                if (token.isStructStart()) {
                    depth++;
                } else if (token.isStructEnd()) {
                    depth--;
                }
            } while (depth > 0);
            return parser.nextToken() == null ? found : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    /** "duplicate key "name" at /pointer", shortened for the error message. */
    String describe() {
        return "duplicate key \"" + shorten(name) + "\" at " + shorten(pointer);
    }

    private static String shorten(String text) {
        return text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "...";
    }
}
