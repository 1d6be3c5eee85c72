package io.gatekit.audit;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an audit file holds besides its records: the line each new file starts with (a CSV header) and the record
 * that says records were dropped. Entries naming the same file must agree on it, or the file would mix shapes.
 *
 * @param name a short name of the file's shape, for messages ("JSON Lines", "CSV")
 * @param header the first line of every new file (and of each after rotation), or null for none
 * @param marker the record written where records were dropped because the queue was full
 */
public record FileLayout(String name, @Nullable String header, Marker marker) {

    /** Makes the record that marks {@code count} dropped records. */
    @FunctionalInterface
    public interface Marker {
        String line(Instant time, long count);
    }

    public FileLayout {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(marker, "marker");
    }

    String droppedMarker(Instant time, long count) {
        return marker.line(time, count);
    }

    /** Whether files of this layout and of {@code other} look the same, so both may write one file. */
    boolean sameShape(FileLayout other) {
        return name.equals(other.name) && Objects.equals(header, other.header);
    }
}
