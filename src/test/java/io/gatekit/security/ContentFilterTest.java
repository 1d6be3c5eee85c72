package io.gatekit.security;

import static io.gatekit.security.Filters.CONTEXT;
import static io.gatekit.security.Filters.NODES;
import static io.gatekit.security.Filters.onEcho;
import static io.gatekit.security.Filters.pii;
import static io.gatekit.security.Filters.secrets;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.jsonrpc.RawJson;
import io.gatekit.plugins.PluginDecision;
import io.gatekit.plugins.SecurityPlugin;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What the three filters share: where they look, how they rewrite, the size cap. */
class ContentFilterTest {
    private final SecurityPlugin redacting = pii("{}");

    @Test
    void response_isRedacted_inACopy_leavingTheSharedOriginalAlone() {
        Response response = Filters.textResult("reply to ann@example.com");
        String before = response.result().toString();

        PluginDecision decision = redacting.onResponse(Filters.echo("hi"), response, CONTEXT.toClient());

        Response redacted = (Response) ((PluginDecision.Modify) decision).message();
        assertThat(redacted.id()).isEqualTo(response.id());
        assertThat(redacted.result().path("content").path(0).path("text").stringValue())
                .isEqualTo("reply to [EMAIL REDACTED by Gatekit]");
        assertThat(response.result().toString()).isEqualTo(before);
    }

    @Test
    void notification_isRedacted() {
        Notification log = Filters.logMessage("user ann@example.com logged in");

        PluginDecision decision = redacting.onNotification(log, CONTEXT.toClient());

        Notification redacted = (Notification) ((PluginDecision.Modify) decision).message();
        assertThat(redacted.method()).isEqualTo("notifications/message");
        assertThat(redacted.params().path("data").stringValue()).isEqualTo("user [EMAIL REDACTED by Gatekit] logged in");
        assertThat(redacted.params().path("level").stringValue()).isEqualTo("info");
    }

    @Test
    void everyValueAtAnyDepth_isScanned_keysAreNot() {
        ObjectNode params = NODES.objectNode().put("name", "save");
        ObjectNode arguments = params.putObject("arguments");
        arguments.putArray("people").addObject().putObject("contact").put("mail", "bo@example.com");
        arguments.put("x@example.com", "key names are not scanned");

        PluginDecision decision = redacting.onRequest(new Request(NODES.numberNode(1), "tools/call", params), CONTEXT);

        JsonNode rewritten = ((Request) ((PluginDecision.Modify) decision).message()).params().path("arguments");
        assertThat(rewritten.path("people").path(0).path("contact").path("mail").stringValue())
                .isEqualTo("[EMAIL REDACTED by Gatekit]");
        assertThat(rewritten.has("x@example.com")).isTrue();
        assertThat(decision.reason()).isEqualTo("PII redacted: email (1)");
    }

    @Test
    void cleanMessages_passAsTheSameInstance_withAConstantReason() {
        Request request = Filters.echo("nothing to see");

        PluginDecision first = redacting.onRequest(request, CONTEXT);
        PluginDecision second = redacting.onRequest(request, CONTEXT);

        assertThat(first).isInstanceOf(PluginDecision.Allow.class).isSameAs(second);
    }

    @Test
    void controlMethods_areNotRead() {
        ObjectNode params = NODES.objectNode().put("requestId", 3).put("reason", "ann@example.com");

        assertThat(redacting.readsBodies("notifications/cancelled")).isFalse();
        assertThat(redacting.readsBodies("ping")).isFalse();
        assertThat(redacting.readsBodies("tools/call")).isTrue();
        assertThat(redacting.readsBodies("tools/list")).isTrue();
        assertThat(redacting.readsBodies("sampling/createMessage")).isTrue();
        assertThat(redacting.onNotification(new Notification("notifications/cancelled", params), CONTEXT))
                .isInstanceOf(PluginDecision.Allow.class);
    }

    @Test
    void errorResponsesAndEmptyParams_pass() {
        Response error = Response.failure(NODES.numberNode(1), new io.gatekit.jsonrpc.JsonRpcError(-32000, "x", null));

        assertThat(redacting.onResponse(Filters.echo("x"), error, CONTEXT)).isInstanceOf(PluginDecision.Allow.class);
        assertThat(redacting.onRequest(new Request(NODES.numberNode(1), "tools/list", null), CONTEXT))
                .isInstanceOf(PluginDecision.Allow.class);
    }

    @Test
    void contentOverOneMebibyte_isBlockedUnscanned_whateverTheAction() {
        String big = "x".repeat(ScanLimits.MAX_CONTENT_BYTES + 1);

        for (SecurityPlugin plugin : new SecurityPlugin[] {pii("{'action': 'audit_only'}"), secrets("{}"),
                Filters.injection("{}")}) {
            PluginDecision decision = onEcho(plugin, big);
            assertThat(decision).isInstanceOfSatisfying(PluginDecision.Block.class, block -> {
                assertThat(block.reason()).startsWith("content_size_exceeded");
                assertThat(block.data().path("reason_code").stringValue()).isEqualTo("content_size_exceeded");
            });
        }
    }

    @Test
    void theCapCountsEveryValue_inUtf8Bytes() {
        ObjectNode params = NODES.objectNode().put("name", "echo");
        ObjectNode arguments = params.putObject("arguments");
        arguments.put("a", "é".repeat(ScanLimits.MAX_CONTENT_BYTES / 4));
        arguments.put("b", "é".repeat(ScanLimits.MAX_CONTENT_BYTES / 4 + 1));

        assertThat(redacting.onRequest(new Request(NODES.numberNode(1), "tools/call", params), CONTEXT))
                .isInstanceOf(PluginDecision.Block.class);
        assertThat(onEcho(redacting, "é".repeat(ScanLimits.MAX_CONTENT_BYTES / 2 - 10)))
                .isInstanceOf(PluginDecision.Allow.class);
    }

    @Test
    void base64Budget_stopsDecodingAfterFiftyCandidates() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < ScanLimits.MAX_BASE64_CANDIDATES; i++) {
            text.append(Filters.base64("harmless filler " + i)).append(' ');
        }
        String hidden = Filters.base64("write to hidden@example.com");
        SecurityPlugin scanning = pii("{'scan_base64': true}");

        assertThat(onEcho(scanning, text + hidden)).isInstanceOf(PluginDecision.Allow.class);
        assertThat(onEcho(scanning, hidden + " " + text)).isInstanceOf(PluginDecision.Block.class);
    }

    @Test
    void rawResults_areReadAndScanned_andStayRawWhenClean() {
        JsonRpcCodec upstreamSide = new JsonRpcCodec(1 << 20, true);
        Response dirty = (Response) ((Decoded.Ok) upstreamSide.decode(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"ann@example.com\"}]}}"
                        .getBytes(StandardCharsets.UTF_8))).message();
        Response clean = (Response) ((Decoded.Ok) upstreamSide.decode(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"fine\"}]}}"
                        .getBytes(StandardCharsets.UTF_8))).message();
        assertThat(RawJson.isRaw(dirty.result())).isTrue();

        PluginDecision redacted = redacting.onResponse(Filters.echo("x"), dirty, CONTEXT);
        PluginDecision passed = redacting.onResponse(Filters.echo("x"), clean, CONTEXT);

        assertThat(((Response) ((PluginDecision.Modify) redacted).message()).result().path("content").path(0)
                .path("text").stringValue()).isEqualTo("[EMAIL REDACTED by Gatekit]");
        assertThat(passed).isInstanceOf(PluginDecision.Allow.class);
    }
}
