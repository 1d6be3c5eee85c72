package io.gatekit.plugins.middleware;

import static io.gatekit.plugins.middleware.PluginTesting.context;
import static io.gatekit.plugins.middleware.PluginTesting.create;
import static io.gatekit.plugins.middleware.PluginTesting.issues;
import static io.gatekit.plugins.middleware.PluginTesting.json;
import static io.gatekit.plugins.middleware.PluginTesting.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.plugins.MiddlewarePlugin;
import io.gatekit.plugins.PluginContext;
import io.gatekit.plugins.PluginDecision;
import io.gatekit.plugins.PluginKind;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ToolManagerTest {
    private static final ToolManagerFactory FACTORY = new ToolManagerFactory();
    private static final PluginContext CONTEXT = context("fs", 0);
    private static final Request LIST = request(0, "tools/list", "{}");

    /** read_file shown as SafeRead with a new description, list_directory with a new description, search as is. */
    private static final String TYPICAL = """
            {"enabled": true, "priority": 25, "tools": [
              {"tool": "read_file", "display_name": "SafeRead", "display_description": "Reads approved paths."},
              {"tool": "list_directory", "display_description": "Lists a directory."},
              {"tool": "search"}]}""";

    private static MiddlewarePlugin plugin(String config) {
        return (MiddlewarePlugin) create(FACTORY, "fs", config);
    }

    private static Response page() {
        return Response.success(JsonRpcIds.of(0), json("""
                {"tools": [
                  {"name": "read_file", "description": "Reads a file.", "inputSchema": {"type": "object"}},
                  {"name": "write_file", "description": "Writes a file.", "inputSchema": {"type": "object"}},
                  {"name": "list_directory", "description": "Lists.", "inputSchema": {"type": "object"}},
                  {"name": "search", "description": "Searches.", "inputSchema": {"type": "object"}},
                  {"description": "no name"},
                  {"name": 7}],
                 "nextCursor": "page-2"}"""));
    }

    private static JsonNode listed(PluginDecision decision) {
        assertThat(decision).isInstanceOf(PluginDecision.Modify.class);
        return ((Response) ((PluginDecision.Modify) decision).message()).successResult();
    }

    @Test
    void theFactoryDescribesAnUpstreamOnlyMiddlewareHandler() {
        assertThat(FACTORY.handler()).isEqualTo("tool_manager");
        assertThat(FACTORY.kind()).isEqualTo(PluginKind.MIDDLEWARE);
        assertThat(FACTORY.upstreamOnly()).isTrue();
        assertThat(FACTORY.defaultPriority()).isEqualTo(50);
        assertThat(FACTORY.defaultCritical()).isTrue();
        assertThat(FACTORY.description()).isNotBlank();
    }

    @Test
    void aListPageShowsOnlyTheListedToolsUnderTheirDisplayNamesAndDescriptions() {
        Response page = page();
        JsonNode before = page.successResult().deepCopy();

        JsonNode result = listed(plugin(TYPICAL).onResponse(LIST, page, CONTEXT));

        assertThat(result.get("tools")).hasSize(3);
        assertThat(result.at("/tools/0/name").stringValue()).isEqualTo("SafeRead");
        assertThat(result.at("/tools/0/description").stringValue()).isEqualTo("Reads approved paths.");
        assertThat(result.at("/tools/0/inputSchema")).isEqualTo(json("{\"type\": \"object\"}"));
        assertThat(result.at("/tools/1/name").stringValue()).isEqualTo("list_directory");
        assertThat(result.at("/tools/1/description").stringValue()).isEqualTo("Lists a directory.");
        assertThat(result.at("/tools/2")).isEqualTo(before.at("/tools/3"));
        assertThat(result.get("nextCursor").stringValue()).isEqualTo("page-2");
        assertThat(page.successResult()).as("the shared page is left as it was").isEqualTo(before);
    }

    @Test
    void aRenameWithoutADescriptionKeepsTheUpstreamsDescription() {
        JsonNode result = listed(plugin("{\"tools\": [{\"tool\": \"read_file\", \"display_name\": \"cat\"}]}")
                .onResponse(LIST, page(), CONTEXT));

        assertThat(result.get("tools")).hasSize(1);
        assertThat(result.at("/tools/0/name").stringValue()).isEqualTo("cat");
        assertThat(result.at("/tools/0/description").stringValue()).isEqualTo("Reads a file.");
    }

    @Test
    void anEmptyToolListHidesEveryTool() {
        JsonNode result = listed(plugin("{\"tools\": []}").onResponse(LIST, page(), CONTEXT));

        assertThat(result.get("tools")).isEmpty();
        assertThat(result.get("nextCursor").stringValue()).isEqualTo("page-2");
    }

    @Test
    void aPageTheListLeavesAsItIsPasses() {
        Response page = Response.success(JsonRpcIds.of(0), json("{\"tools\": [{\"name\": \"search\"}]}"));

        assertThat(plugin(TYPICAL).onResponse(LIST, page, CONTEXT)).isEqualTo(PluginDecision.pass());
    }

    @Test
    void errorsEmptyPagesAndOtherMethodsPass() {
        MiddlewarePlugin plugin = plugin("{\"tools\": []}");
        Response failure = Response.failure(JsonRpcIds.of(0), JsonRpcError.of(-32603, "boom"));
        Response empty = Response.success(JsonRpcIds.of(0), json("{\"tools\": []}"));
        Response prompts = Response.success(JsonRpcIds.of(0), json("{\"prompts\": [{\"name\": \"a\"}]}"));

        assertThat(plugin.onResponse(LIST, failure, CONTEXT)).isEqualTo(PluginDecision.pass());
        assertThat(plugin.onResponse(LIST, empty, CONTEXT)).isEqualTo(PluginDecision.pass());
        assertThat(plugin.onResponse(request(1, "prompts/list", "{}"), prompts, CONTEXT)).isEqualTo(PluginDecision.pass());
        assertThat(plugin.onRequest(request(1, "prompts/get", "{\"name\": \"a\"}"), CONTEXT)).isEqualTo(PluginDecision.pass());
    }

    @Test
    void callingADisplayNameCallsTheToolByItsOwnName() {
        Request call = request(4, "tools/call", "{\"name\": \"SafeRead\", \"arguments\": {\"path\": \"/a\"}, \"_meta\": {\"progressToken\": 9}}");
        JsonNode before = call.params().deepCopy();

        PluginDecision decision = plugin(TYPICAL).onRequest(call, CONTEXT);

        assertThat(decision).isInstanceOf(PluginDecision.Modify.class);
        Request upstream = (Request) ((PluginDecision.Modify) decision).message();
        assertThat(upstream.id()).isEqualTo(call.id());
        assertThat(upstream.method()).isEqualTo("tools/call");
        assertThat(upstream.params()).isEqualTo(json(
                "{\"name\": \"read_file\", \"arguments\": {\"path\": \"/a\"}, \"_meta\": {\"progressToken\": 9}}"));
        assertThat(call.params()).as("the client's request is left as it was").isEqualTo(before);
    }

    @Test
    void callingAListedToolByItsOwnNamePasses() {
        MiddlewarePlugin plugin = plugin(TYPICAL);

        assertThat(plugin.onRequest(request(1, "tools/call", "{\"name\": \"search\"}"), CONTEXT)).isEqualTo(PluginDecision.pass());
        assertThat(plugin.onRequest(request(2, "tools/call", "{\"name\": \"list_directory\"}"), CONTEXT))
                .isEqualTo(PluginDecision.pass());
    }

    @Test
    void callingAHiddenToolIsAnsweredWithMethodNotFound() {
        Request call = request(5, "tools/call", "{\"name\": \"write_file\", \"arguments\": {}}");

        Response answer = completion(plugin(TYPICAL).onRequest(call, CONTEXT));

        assertThat(answer.id()).isEqualTo(call.id());
        assertThat(answer.error().code()).isEqualTo(-32601);
        assertThat(answer.error().message()).isEqualTo("Tool 'write_file' is not available");
        assertThat(answer.error().data()).isEqualTo(json("{\"reason\": \"hidden_by_policy\", \"plugin\": \"tool_manager\"}"));
    }

    @Test
    void aRenamedToolNoLongerAnswersToItsOwnName() {
        Response answer = completion(plugin(TYPICAL).onRequest(request(6, "tools/call", "{\"name\": \"read_file\"}"), CONTEXT));

        assertThat(answer.error().code()).isEqualTo(-32601);
        assertThat(answer.error().message()).isEqualTo("Tool 'read_file' is not available");
    }

    @Test
    void withAnEmptyListNoToolCanBeCalled() {
        Response answer = completion(plugin("{\"tools\": []}").onRequest(request(7, "tools/call", "{\"name\": \"search\"}"), CONTEXT));

        assertThat(answer.error().code()).isEqualTo(-32601);
    }

    @Test
    void aCallWithoutAUsableNameIsLeftToTheUpstream() {
        MiddlewarePlugin plugin = plugin("{\"tools\": []}");

        assertThat(plugin.onRequest(request(8, "tools/call", "{\"arguments\": {}}"), CONTEXT)).isEqualTo(PluginDecision.pass());
        assertThat(plugin.onRequest(request(9, "tools/call", "{\"name\": 3}"), CONTEXT)).isEqualTo(PluginDecision.pass());
    }

    @Test
    void onlyListPagesAreReadAsBodies() {
        MiddlewarePlugin plugin = plugin(TYPICAL);

        assertThat(plugin.readsBodies("tools/list")).isTrue();
        assertThat(plugin.readsBodies("tools/call")).as("a call needs only its name").isFalse();
        assertThat(plugin.readsBodies("resources/read")).isFalse();
    }

    private static Response completion(PluginDecision decision) {
        assertThat(decision).isInstanceOf(PluginDecision.Complete.class);
        Response response = ((PluginDecision.Complete) decision).response();
        assertThat(response.error()).isNotNull();
        return response;
    }

    // ---- options, as the registry checks them (schema) ----

    @Test
    void theTypicalAndTheOriginalsGoldenOptionsPassTheCheck() {
        assertThat(issues(FACTORY, "fs", TYPICAL)).isEmpty();
        assertThat(issues(FACTORY, "fs", "{\"enabled\": true, \"critical\": true, \"priority\": 50, \"tools\": []}")).isEmpty();
    }

    @Test
    void theCheckRefusesAToolManagerUnderGlobal() {
        assertThat(issues(FACTORY, "_global", "{\"tools\": []}"))
                .singleElement().asString().contains("tool_manager", "one upstream at a time", "not _global");
    }

    @Test
    void theCheckRequiresTheToolList() {
        assertThat(issues(FACTORY, "fs", "{\"enabled\": true}"))
                .singleElement().asString().contains("missing required option 'tools'");
    }

    @Test
    void theCheckRefusesMalformedEntries() {
        assertThat(issues(FACTORY, "fs", "{\"tools\": {\"tool\": \"a\"}}")).singleElement().asString().contains("array");
        assertThat(issues(FACTORY, "fs", "{\"tools\": [{\"display_name\": \"b\"}]}"))
                .singleElement().asString().contains("missing required option 'tool'");
        assertThat(issues(FACTORY, "fs", "{\"tools\": [{\"tool\": \"a\", \"displayname\": \"b\"}]}"))
                .singleElement().asString().contains("unknown option 'displayname'", "display_name");
        assertThat(issues(FACTORY, "fs", "{\"tools\": [{\"tool\": \"a\", \"display_description\": 5}]}"))
                .singleElement().asString().contains("string");
    }

    @Test
    void theCheckRefusesNamesThatAreNotToolNames() {
        assertThat(issues(FACTORY, "fs", "{\"tools\": [{\"tool\": \"1st\"}]}")).singleElement().asString().contains("pattern");
        assertThat(issues(FACTORY, "fs", "{\"tools\": [{\"tool\": \"a\", \"display_name\": \"two words\"}]}"))
                .singleElement().asString().contains("pattern");
    }

    @Test
    void theCheckRefusesUnknownOptionsButLeavesModeToCreate() {
        assertThat(issues(FACTORY, "fs", "{\"tools\": [], \"tols\": []}"))
                .singleElement().asString().contains("unknown option 'tols'", "tools").doesNotContain("mode");
        assertThat(issues(FACTORY, "fs", "{\"mode\": \"allowlist\", \"tools\": []}")).isEmpty();
    }

    // ---- options, as create() checks them (what the schema cannot say) ----

    @Test
    void createRefusesTheLegacyModeKeyExplainingTheAllowList() {
        assertThatThrownBy(() -> plugin("{\"mode\": \"allowlist\", \"tools\": [{\"tool\": \"a\"}]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'mode'").hasMessageContaining("implicit allow-list");
    }

    @Test
    void createRefusesAToolListedTwice() {
        assertThatThrownBy(() -> plugin("{\"tools\": [{\"tool\": \"a\"}, {\"tool\": \"b\"}, {\"tool\": \"a\"}]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tools[2]: 'a' is listed twice (first at tools[0])");
    }

    @Test
    void createRefusesARenameToItself() {
        assertThatThrownBy(() -> plugin("{\"tools\": [{\"tool\": \"a\", \"display_name\": \"a\"}]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tools[0]: 'a' cannot be renamed to itself");
    }

    @Test
    void createRefusesTwoToolsShownUnderOneName() {
        assertThatThrownBy(() -> plugin("""
                {"tools": [{"tool": "a", "display_name": "x"}, {"tool": "b", "display_name": "x"}]}"""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tools[1]: cannot show 'b' as 'x': tools[0] ('a') is already shown under that name");
    }

    @Test
    void createRefusesARenameOntoAnotherListedTool() {
        // The listed tool comes after the rename: the names are all known before renames are checked.
        assertThatThrownBy(() -> plugin("{\"tools\": [{\"tool\": \"a\", \"display_name\": \"b\"}, {\"tool\": \"b\"}]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tools[0]: cannot show 'a' as 'b': tools[1] lists a tool of that name");
    }

    @Test
    void createChecksTheStructureItselfWhenCalledDirectly() {
        for (String[] bad : List.of(
                new String[] {"{}", "needs a 'tools' list"},
                new String[] {"{\"tools\": \"a\"}", "must be a list"},
                new String[] {"{\"tools\": [\"a\"]}", "tools[0]: must be a mapping"},
                new String[] {"{\"tools\": [{\"display_name\": \"b\"}]}", "tools[0]: needs 'tool'"},
                new String[] {"{\"tools\": [{\"tool\": \"a\", \"extra\": 1}]}", "tools[0]: unknown key 'extra'"},
                new String[] {"{\"tools\": [{\"tool\": \"a-ok\"}, {\"tool\": \"_b\"}]}", "tools[1]: tool \"_b\" is not a valid tool name"},
                new String[] {"{\"tools\": [{\"tool\": \"a\", \"display_name\": 4}]}", "tools[0]: display_name 4 is not a valid"},
                new String[] {"{\"tools\": [{\"tool\": \"a\", \"display_description\": []}]}", "display_description of 'a' must be text"})) {
            assertThatThrownBy(() -> plugin(bad[0])).as(bad[0])
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad[1]);
        }
    }
}
