package io.gatekit.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A setting with a closed set of values, as an enum whose constants are spelled in the file in lower case
 * ({@code transport: stdio}). Parsed once, when the config is bound; the schema has already reported an unknown
 * spelling with the allowed values, so the binder reads one as absent.
 */
interface ConfigChoice {
    String name();

    /** How the value is written in the config file. */
    default String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant spelled {@code text} in the file, if any. */
    static <E extends Enum<E> & ConfigChoice> Optional<E> parse(Class<E> type, String text) {
        return Arrays.stream(type.getEnumConstants()).filter(value -> value.wire().equals(text)).findFirst();
    }
}
