package io.gatekit.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamespaceTest {

    @Test
    void split_atFirstSeparator_soUpstreamNamesWithDoubleUnderscoreSurvive() {
        assertThat(Namespace.split("fs__read__file")).contains(new Namespace.Qualified("fs", "read__file"));
        assertThat(Namespace.qualify("fs", "read__file")).isEqualTo("fs__read__file");
    }

    @Test
    void split_rejectsNamesWithoutUpstreamOrTool() {
        assertThat(Namespace.split("echo")).isEmpty();
        assertThat(Namespace.split("__echo")).isEmpty();
        assertThat(Namespace.split("fs__")).isEmpty();
    }
}
