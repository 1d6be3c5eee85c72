package io.gatekit.plugins.middleware;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What a {@code tool_manager} entry's {@code tools} list says, checked and indexed: the listed tools (an implicit
 * allow-list: nothing else is shown or callable), the names some are shown under, and the descriptions that replace
 * theirs. Built once per entry and immutable, so one policy serves every request at once.
 *
 * @param allowed the upstream's own names of the tools clients may see and call
 * @param displayNames original name to the name clients see, for the renamed tools
 * @param originals the inverse of {@code displayNames}
 * @param descriptions original name to the description clients see, for the tools that override it
 */
record ToolPolicy(Set<String> allowed, Map<String, String> displayNames, Map<String, String> originals,
        Map<String, String> descriptions) {

    /** The names the original accepts for a tool and for the name it is shown under. */
    static final Pattern NAME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9_-]*$");

    ToolPolicy {
        allowed = Set.copyOf(allowed);
        displayNames = Map.copyOf(displayNames);
        originals = Map.copyOf(originals);
        descriptions = Map.copyOf(descriptions);
    }

    /**
     * Reads an entry's options. The schema has usually been checked already; the structure is checked again here
     * so that a direct {@code create()} gets the same clear refusal.
     *
     * @throws IllegalArgumentException naming the entry ({@code tools[i]}) that is wrong and why
     */
    static ToolPolicy of(JsonNode options) {
        if (options.has("mode")) {
            throw new IllegalArgumentException("'mode' is no longer an option of tool_manager: the tools list is an"
                    + " implicit allow-list now (the tools it names are shown, every other tool is hidden; tools: []"
                    + " hides them all); remove 'mode'");
        }
        JsonNode tools = options.get("tools");
        if (tools == null) {
            throw new IllegalArgumentException("tool_manager needs a 'tools' list (tools: [] hides every tool)");
        }
        if (!tools.isArray()) {
            throw new IllegalArgumentException("tool_manager 'tools' must be a list of {tool, display_name?,"
                    + " display_description?} entries");
        }
        // First pass: every listed name, so a rename can be checked against entries that come after it.
        Map<String, Integer> positions = new LinkedHashMap<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode entry = tools.get(i);
            if (!entry.isObject()) {
                throw new IllegalArgumentException(at(i) + "must be a mapping such as {tool: read_file}");
            }
            for (String key : entry.propertyNames()) {
                if (!key.equals("tool") && !key.equals("display_name") && !key.equals("display_description")) {
                    throw new IllegalArgumentException(at(i) + "unknown key '" + key
                            + "' (a tool entry has tool, display_name and display_description)");
                }
            }
            String tool = name(entry, "tool", i);
            if (tool == null) {
                throw new IllegalArgumentException(at(i) + "needs 'tool', the upstream's own name of the tool");
            }
            Integer earlier = positions.putIfAbsent(tool, i);
            if (earlier != null) {
                throw new IllegalArgumentException(at(i) + "'" + tool + "' is listed twice (first at tools["
                        + earlier + "])");
            }
        }
        Map<String, String> displayNames = new HashMap<>();
        Map<String, String> originals = new HashMap<>();
        Map<String, String> descriptions = new HashMap<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode entry = tools.get(i);
            String tool = entry.get("tool").stringValue();
            JsonNode description = entry.get("display_description");
            if (description != null) {
                if (!description.isString()) {
                    throw new IllegalArgumentException(at(i) + "display_description of '" + tool + "' must be text");
                }
                descriptions.put(tool, description.stringValue());
            }
            String shown = name(entry, "display_name", i);
            if (shown == null) {
                continue;
            }
            if (shown.equals(tool)) {
                throw new IllegalArgumentException(at(i) + "'" + tool + "' cannot be renamed to itself; leave"
                        + " display_name out to keep its name");
            }
            String taken = originals.get(shown);
            if (taken != null) {
                throw new IllegalArgumentException(at(i) + "cannot show '" + tool + "' as '" + shown + "': tools["
                        + positions.get(taken) + "] ('" + taken + "') is already shown under that name");
            }
            Integer other = positions.get(shown);
            if (other != null) {
                throw new IllegalArgumentException(at(i) + "cannot show '" + tool + "' as '" + shown + "': tools["
                        + other + "] lists a tool of that name");
            }
            displayNames.put(tool, shown);
            originals.put(shown, tool);
        }
        return new ToolPolicy(positions.keySet(), displayNames, originals, descriptions);
    }

    /** The string {@code key} of a tool entry, checked against {@link #NAME}; null when absent. */
    private static @Nullable String name(JsonNode entry, String key, int index) {
        JsonNode value = entry.get(key);
        if (value == null) {
            return null;
        }
        if (!value.isString() || !NAME.matcher(value.stringValue()).matches()) {
            throw new IllegalArgumentException(at(index) + key + " " + value + " is not a valid tool name: it must"
                    + " start with a letter and hold only letters, digits, '_' and '-'");
        }
        return value.stringValue();
    }

    private static String at(int index) {
        return "tools[" + index + "]: ";
    }

    /** The name the tool a client names is known by upstream, or null when the client may not call it. */
    @Nullable String callable(String shownName) {
        String original = originals.get(shownName);
        if (original != null) {
            return original;
        }
        // A renamed tool answers only to its new name: its old one is as hidden as an unlisted tool.
        return allowed.contains(shownName) && !displayNames.containsKey(shownName) ? shownName : null;
    }
}
