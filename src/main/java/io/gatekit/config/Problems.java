package io.gatekit.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Collects problems from every stage so a load reports all of them at once. A path can be "settled" once its
 * real cause is known (an undefined variable), which silences the knock-on complaints later stages would make
 * about the same value.
 */
final class Problems {

    private static final Comparator<ConfigProblem> FILE_ORDER = Comparator
            .comparingInt((ConfigProblem p) -> p.location().line())
            .thenComparingInt(p -> p.location().column());

    private final SourceMap map;
    private final List<ConfigProblem> problems = new ArrayList<>();
    private final Set<FieldPath> settled = new HashSet<>();

    Problems(SourceMap map) {
        this.map = map;
    }

    SourceMap map() {
        return map;
    }

    /** A problem with the value at {@code path}. */
    void at(FieldPath path, String message) {
        add(path, map.value(path), message, Optional.empty());
    }

    /** A problem with the key of {@code path}: unknown, missing, duplicated. */
    void atKey(FieldPath path, String message) {
        atKey(path, message, Optional.empty());
    }

    /** {@link #atKey(FieldPath, String)} with the name the author most likely meant. */
    void atKey(FieldPath path, String message, Optional<String> suggestion) {
        add(path, map.key(path), message, suggestion);
    }

    /** A problem with no path: a syntax error, or something about the document as a whole. */
    void atPosition(int line, int column, String message) {
        problems.add(new ConfigProblem(new SourceLocation(map.sourceName(), line, column, ""), message));
    }

    void settle(FieldPath path) {
        settled.add(path);
    }

    /** Follows {@link SourceMap#wrapInList}, so settled paths keep naming the same values. */
    void wrapInList(FieldPath path, int index) {
        map.wrapInList(path, index);
        List<FieldPath> moved = settled.stream().filter(p -> p.startsWith(path) && !p.equals(path)).toList();
        moved.forEach(settled::remove);
        moved.forEach(p -> settled.add(p.rebase(path, path.index(index))));
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /**
     * Builds a record whose constructor re-checks what earlier stages already reported. When problems exist a
     * failure is expected and yields null; when none exist it means the schema and the records disagree, and
     * it is still reported rather than thrown, at {@code path}.
     */
    <T> @Nullable T build(FieldPath path, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            if (problems.isEmpty()) {
                at(path, String.valueOf(e.getMessage()));
            }
            return null;
        }
    }

    ConfigException toException() {
        List<ConfigProblem> ordered = new ArrayList<>(new LinkedHashSet<>(problems));
        ordered.sort(FILE_ORDER);
        return new ConfigException(ordered);
    }

    private void add(FieldPath path, SourceLocation location, String message, Optional<String> suggestion) {
        for (FieldPath quiet : settled) {
            if (path.startsWith(quiet)) {
                return;
            }
        }
        problems.add(new ConfigProblem(location, message, suggestion));
    }
}
