package io.gatekit.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each node of the parsed tree sits in the YAML text. Validation works on the tree and knows only paths;
 * this turns a path back into a line and column. A path with no entry of its own (a missing key, or content
 * copied in by an alias) is placed at its nearest recorded ancestor.
 */
final class SourceMap {

    /** Both ends of a mapping entry: the key (for "unknown key") and the value (for "wrong value"). */
    private record Spot(int keyLine, int keyColumn, int valueLine, int valueColumn) {}

    private final String sourceName;
    private final Map<FieldPath, Spot> spots = new HashMap<>();

    SourceMap(String sourceName) {
        this.sourceName = sourceName;
    }

    String sourceName() {
        return sourceName;
    }

    void record(FieldPath path, int keyLine, int keyColumn, int valueLine, int valueColumn) {
        spots.put(path, new Spot(keyLine, keyColumn, valueLine, valueColumn));
    }

    /** Records {@code path} at the same place as {@code origin}, or its nearest recorded ancestor. */
    void recordLike(FieldPath path, FieldPath origin) {
        spots.put(path, nearest(origin));
    }

    /** Where the value at {@code path} starts. */
    SourceLocation value(FieldPath path) {
        Spot spot = nearest(path);
        return new SourceLocation(sourceName, spot.valueLine, spot.valueColumn, path.toString());
    }

    /** Where the key of {@code path} is, which is where its value starts for list items. */
    SourceLocation key(FieldPath path) {
        Spot spot = nearest(path);
        return new SourceLocation(sourceName, spot.keyLine, spot.keyColumn, path.toString());
    }

    /**
     * Moves everything recorded below {@code path} one level down, under {@code path[index]}, for when a
     * value is wrapped in a list. {@code path} itself keeps its entry and the new element shares it.
     */
    void wrapInList(FieldPath path, int index) {
        FieldPath element = path.index(index);
        List<FieldPath> below = new ArrayList<>();
        for (FieldPath known : spots.keySet()) {
            if (known.startsWith(path) && !known.equals(path)) {
                below.add(known);
            }
        }
        for (FieldPath known : below) {
            spots.put(known.rebase(path, element), spots.remove(known));
        }
        recordLike(element, path);
    }

    private Spot nearest(FieldPath path) {
        FieldPath at = path;
        while (true) {
            Spot spot = spots.get(at);
            if (spot != null) {
                return spot;
            }
            if (at.isRoot()) {
                return new Spot(1, 1, 1, 1);
            }
            at = at.parent();
        }
    }
}
