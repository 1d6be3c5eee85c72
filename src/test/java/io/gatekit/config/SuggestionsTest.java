package io.gatekit.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    private static final List<String> KEYS = List.of("command", "cwd", "env", "transport", "max_in_flight");

    @Test
    void closest_typo_findsIntendedKey() {
        assertThat(Suggestions.closest("comand", KEYS)).contains("command");
        assertThat(Suggestions.closest("tarnsport", KEYS)).contains("transport");
        assertThat(Suggestions.closest("Command", KEYS)).contains("command");
        assertThat(Suggestions.closest("max_inflight", KEYS)).contains("max_in_flight");
    }

    @Test
    void closest_unrelatedWord_suggestsNothing() {
        assertThat(Suggestions.closest("flavour", KEYS)).isEmpty();
        assertThat(Suggestions.closest("url", KEYS)).isEmpty();
        assertThat(Suggestions.hint("flavour", KEYS)).isEmpty();
    }
}
