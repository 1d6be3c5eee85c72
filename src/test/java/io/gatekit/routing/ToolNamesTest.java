package io.gatekit.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The provider-safe naming rule alone: aliases always pass it, are stable, and tell different tools apart. */
class ToolNamesTest {
    /** What model providers accept as a function name; {@code matches} anchors it at both ends. */
    private static final Pattern PROVIDER_RULE = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    private static final List<String> AWKWARD = List.of("", " ", "_", "-", "my weird tool name", "a/b", "a.b", "a\u0000b",
            "a\u0001b", "x".repeat(300), "\u65e5\u672c\u8a9e", "rocket \uD83D\uDE80", "lone \uD800 surrogate",
            "tab\tnew\nline", "a__b", "\u00e9t\u00e9", "\"quoted\"", "UPPER_lower-09");

    private static void assertProviderSafe(String name) {
        assertThat(PROVIDER_RULE.matcher(name).matches()).as("provider-safe: %s", name).isTrue();
        assertThat(ToolNames.isProviderSafe(name)).as(name).isTrue();
    }

    @Test
    void everyAliasMeetsTheRule_whateverTheName() {
        for (String upstream : List.of("u", "files", "a-b_c", "x".repeat(53), "y".repeat(70))) {
            for (String name : AWKWARD) {
                assertProviderSafe(ToolNames.alias(upstream, name));
            }
        }
        Random random = new Random(13);
        for (int i = 0; i < 2000; i++) {
            StringBuilder name = new StringBuilder();
            int length = random.nextInt(400);
            for (int c = 0; c < length; c++) {
                name.append((char) random.nextInt(Character.MAX_VALUE + 1)); // surrogates and NUL included
            }
            assertProviderSafe(ToolNames.alias("files", name.toString()));
        }
    }

    @Test
    void theAliasIsDeterministic_andReadable() {
        assertThat(ToolNames.alias("files", "my weird tool name")).isEqualTo(ToolNames.alias("files", "my weird tool name"))
                // pinned: the same in every gateway process, so a client may keep an alias across restarts
                .isEqualTo("files__my_weird_tool_name_6nggkvf3");
        assertThat(ToolNames.alias("files", "x".repeat(300))).hasSize(ToolNames.MAX_LENGTH)
                .startsWith("files__xxxx").matches(".*_[0-9a-v]{8}");
        assertThat(ToolNames.alias("files", "")).startsWith("files___").hasSize("files___".length() + 8);
        // one '_' per character, whether or not it needs two UTF-16 units
        assertThat(ToolNames.alias("files", "rocket \uD83D\uDE80")).startsWith("files__rocket___").hasSize("files__rocket___".length() + 8);
    }

    @Test
    void distinctToolsGetDistinctAliases_evenWhenTheirReadablePartsAgree() {
        Set<String> aliases = new HashSet<>();
        List<String> inputs = new ArrayList<>();
        for (String upstream : List.of("files", "other")) {
            for (String name : AWKWARD) {
                inputs.add(upstream + "|" + name);
                aliases.add(ToolNames.alias(upstream, name));
            }
            for (int i = 0; i < 10_000; i++) {
                inputs.add(upstream + "|" + i);
                aliases.add(ToolNames.alias(upstream, "tool." + i));
            }
        }
        assertThat(aliases).hasSameSizeAs(inputs);
        // These read the same once cleaned; only the hash tells them apart.
        assertThat(ToolNames.alias("files", "a.b")).isNotEqualTo(ToolNames.alias("files", "a/b"))
                .isNotEqualTo(ToolNames.alias("files", "a b"));
        assertThat(ToolNames.alias("files", "a\u0000b")).isNotEqualTo(ToolNames.alias("files", "a\u0001b"));
        assertThat(ToolNames.alias("files", "x".repeat(300))).isNotEqualTo(ToolNames.alias("files", "x".repeat(299)));
        // The upstream is part of what is hashed, even when a long upstream name leaves no room to show it.
        assertThat(ToolNames.alias("y".repeat(70), "t")).isNotEqualTo(ToolNames.alias("y".repeat(71), "t"));
    }

    @Test
    void theReasonIsTheFirstProblemOfTheQualifiedName() {
        assertThat(ToolNames.problem("files", "read_file")).isNull();
        assertThat(ToolNames.problem("files", "_")).isNull();
        assertThat(ToolNames.problem("files", "")).isEqualTo(ToolNames.Reason.EMPTY);
        assertThat(ToolNames.problem("files", "a b")).isEqualTo(ToolNames.Reason.ILLEGAL_CHARACTERS);
        assertThat(ToolNames.problem("files", "a\u0000b")).isEqualTo(ToolNames.Reason.ILLEGAL_CHARACTERS);
        assertThat(ToolNames.problem("files", "x".repeat(58))).isEqualTo(ToolNames.Reason.TOO_LONG);
        assertThat(ToolNames.problem("files", "x".repeat(57))).as("exactly 64").isNull();
        assertThat(ToolNames.problem("x".repeat(70), "t")).isEqualTo(ToolNames.Reason.TOO_LONG);
    }

    @Test
    void exposingAList_keepsGoodNames_aliasesTheRest_andListsEveryToolOnceUnderADistinctName() {
        List<String> originals = new ArrayList<>(List.of("echo", "a.b", "echo", "x".repeat(300), ""));
        String aliasOfDot = ToolNames.alias("files", "a.b");
        // A tool whose own name is what a.b's alias would be: it keeps its name, and a.b is hashed again.
        originals.add(aliasOfDot.substring("files__".length()));
        List<ToolNames.Exposed> exposed = ToolNames.expose("files", originals);

        assertThat(exposed).extracting(ToolNames.Exposed::original).containsExactlyElementsOf(originals);
        assertThat(exposed).extracting(ToolNames.Exposed::name).doesNotHaveDuplicates()
                .allSatisfy(ToolNamesTest::assertProviderSafe);
        assertThat(exposed.get(0)).isEqualTo(new ToolNames.Exposed("echo", "files__echo", null));
        assertThat(exposed.get(1).reason()).isEqualTo(ToolNames.Reason.ILLEGAL_CHARACTERS);
        assertThat(exposed.get(1).name()).isNotEqualTo(aliasOfDot).startsWith("files__a_b_");
        assertThat(exposed.get(2).reason()).isEqualTo(ToolNames.Reason.COLLISION);
        assertThat(exposed.get(3).reason()).isEqualTo(ToolNames.Reason.TOO_LONG);
        assertThat(exposed.get(4).reason()).isEqualTo(ToolNames.Reason.EMPTY);
        assertThat(exposed.get(5)).isEqualTo(new ToolNames.Exposed(originals.get(5), aliasOfDot, null));
        assertThat(ToolNames.expose("files", originals)).as("the same list, the same names").isEqualTo(exposed);
    }

    @Test
    void anAliasIsRecognisedByItsShape_andByTheUpstreamItCouldComeFrom() {
        String alias = ToolNames.alias("files", "a b");
        assertThat(ToolNames.mayBeAlias(alias)).isTrue();
        assertThat(ToolNames.mayBeAlias("files__echo")).isFalse();
        assertThat(ToolNames.mayBeAlias("files__" + "x".repeat(60))).isFalse();
        assertThat(ToolNames.couldBeFrom(alias, "files")).isTrue();
        assertThat(ToolNames.couldBeFrom(alias, "file")).isFalse();
        assertThat(ToolNames.couldBeFrom(alias, "files2")).isFalse();
        String cutShort = ToolNames.alias("y".repeat(70), "t");
        assertThat(ToolNames.couldBeFrom(cutShort, "y".repeat(70))).isTrue();
        assertThat(ToolNames.couldBeFrom(cutShort, "y".repeat(80))).isTrue();
        assertThat(ToolNames.couldBeFrom(cutShort, "y".repeat(54))).isFalse();
    }

    @Test
    void namesAreQuotedForLogLines() {
        assertThat(ToolNames.quoted("a\u0000b\n\"q\"")).isEqualTo("\"a\\u0000b\\n\\\"q\\\"\"");
    }
}
