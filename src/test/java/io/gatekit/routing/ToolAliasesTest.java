package io.gatekit.routing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.gatekit.testing.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** The live alias mapping alone: what a list records, what a call resolves, when a list is fetched again. */
class ToolAliasesTest {
    private final AtomicLong epoch = new AtomicLong();
    private final ToolAliases aliases = new ToolAliases(epoch::get);
    private final LogCapture log = LogCapture.of(ToolAliases.class);

    @AfterEach
    void releaseLog() {
        log.close();
    }

    private static List<JsonNode> tools(String... names) {
        List<JsonNode> tools = new ArrayList<>();
        for (String name : names) {
            tools.add(JsonNodeFactory.instance.objectNode().put("name", name).put("description", "d"));
        }
        return tools;
    }

    @Test
    void aListIsExposedUnderSafeNames_andItsAliasesResolveToTheOriginals() {
        List<JsonNode> listed = new ArrayList<>(tools("echo", "my tool", "a\u0000b"));
        listed.add(JsonNodeFactory.instance.objectNode().put("description", "no name"));
        List<JsonNode> exposed = aliases.expose("files", listed, epoch.get());

        assertThat(exposed).extracting(t -> t.path("name").asString(null))
                .containsExactly("files__echo", ToolNames.alias("files", "my tool"), ToolNames.alias("files", "a\u0000b"), null);
        assertThat(exposed.get(1).path("description").asString()).isEqualTo("d");
        assertThat(listed.get(1).path("name").asString()).as("the upstream's item is not changed").isEqualTo("my tool");
        assertThat(aliases.resolve(ToolNames.alias("files", "my tool"))).isEqualTo(new Namespace.Qualified("files", "my tool"));
        assertThat(aliases.resolve(ToolNames.alias("files", "a\u0000b"))).isEqualTo(new Namespace.Qualified("files", "a\u0000b"));
        assertThat(aliases.resolve("files__echo")).as("a qualified name is not an alias").isNull();
        assertThat(aliases.aliases(List.of("files"))).extracting(ToolAlias::original).containsExactly("my tool", "a\u0000b");
    }

    @Test
    void eachAliasIsWarnedAboutOnce_notOnEveryList() {
        aliases.expose("files", tools("my tool", "x".repeat(300)), epoch.get());
        epoch.incrementAndGet();
        aliases.expose("files", tools("my tool", "x".repeat(300)), epoch.get());

        List<String> warnings = log.messages(Level.WARN);
        assertThat(warnings).hasSize(2);
        assertThat(warnings.getFirst()).contains("'files'", "\"my tool\"", ToolNames.alias("files", "my tool"), "characters outside");
        assertThat(warnings.get(1)).contains("longer than 64");
    }

    @Test
    void anUpstreamIsFetchedAgainOnlyWhenTheListChangedSinceItsLastFetch() {
        String unseen = ToolNames.alias("files", "new tool");
        AtomicInteger fetches = new AtomicInteger();
        Runnable fetch = () -> {
            fetches.incrementAndGet();
            aliases.expose("files", tools("new tool"), epoch.get());
        };
        assertThat(aliases.staleCandidates(unseen, List.of("files", "other"))).containsExactly("files");
        aliases.refreshIfStale("files", fetch);
        assertThat(aliases.resolve(unseen)).isEqualTo(new Namespace.Qualified("files", "new tool"));

        assertThat(aliases.staleCandidates(ToolNames.alias("files", "bogus name"), List.of("files"))).isEmpty();
        aliases.refreshIfStale("files", fetch);
        assertThat(fetches).hasValue(1);

        epoch.incrementAndGet(); // the tool list changed (an upstream said so, restarted, or the config was reloaded)
        assertThat(aliases.resolve(unseen)).as("kept until the next fetch").isNotNull();
        assertThat(aliases.staleCandidates(ToolNames.alias("files", "bogus name"), List.of("files"))).containsExactly("files");
        aliases.refreshIfStale("files", fetch);
        assertThat(fetches).hasValue(2);
    }

    @Test
    void concurrentCallsForAnUnseenAliasShareOneFetch() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 32; i++) {
                callers.execute(() -> aliases.refreshIfStale("files", () -> {
                    fetches.incrementAndGet();
                    aliases.expose("files", tools("new tool"), epoch.get());
                }));
            }
        }
        assertThat(fetches).hasValue(1);
    }

    @Test
    void aFetchThatBeganBeforeTheListChangedDoesNotReplaceANewerOne() {
        long before = epoch.get();
        epoch.incrementAndGet();
        aliases.expose("files", tools("new tool"), epoch.get());
        aliases.expose("files", tools("old tool"), before);
        assertThat(aliases.resolve(ToolNames.alias("files", "new tool"))).isNotNull();
        assertThat(aliases.resolve(ToolNames.alias("files", "old tool"))).isNull();
    }

    @Test
    void upstreamsLeavingTheConfigAreForgotten() {
        aliases.expose("files", tools("my tool"), epoch.get());
        aliases.expose("other", tools("my tool"), epoch.get());
        aliases.retain(Set.of("other"));
        assertThat(aliases.resolve(ToolNames.alias("files", "my tool"))).isNull();
        assertThat(aliases.aliases(List.of("files", "other"))).extracting(ToolAlias::upstream).containsExactly("other");
    }
}
