package io.gatekit.faces.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionCapTest {
    @Test
    void beyondMaxSessions_initializeIsRefusedWith503AndAClearError() throws Exception {
        try (HttpFaceFixture f = HttpFaceFixture.demo("max_sessions: 2", "")) {
            f.initialize();
            String second = f.initialize();
            HttpResponse<String> third = f.send(f.post(null, """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"x","version":"0"}}}""").build());
            assertThat(third.statusCode()).isEqualTo(503);
            assertThat(third.body()).contains("max_sessions").contains("-32004");
            f.send(java.net.http.HttpRequest.newBuilder(f.uri()).DELETE().header("Mcp-Session-Id", second).build());
            assertThat(f.initialize()).isNotBlank();
            assertThat(f.face.sessionCount()).isEqualTo(2);
        }
    }

    @Test
    void beyondMaxSessions_statelessRequestsAreRefusedToo_untilOneFinishes() throws Exception {
        try (HttpFaceFixture f = HttpFaceFixture.demo("max_sessions: 1", "")) {
            String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                    + "\"io.modelcontextprotocol/clientCapabilities\":{}}";
            java.util.concurrent.CompletableFuture<HttpResponse<String>> slow = f.client.sendAsync(f.modernPost(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"demo__sleep\","
                            + "\"arguments\":{\"ms\":2000}," + meta + "}}").build(), HttpResponse.BodyHandlers.ofString());
            String quick = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"demo__echo\","
                    + "\"arguments\":{\"message\":\"x\"}," + meta + "}}";
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
                HttpResponse<String> refused = f.send(f.modernPost(quick).build());
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.body()).contains("-32004").contains("max_sessions");
            });
            assertThat(slow.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            HttpResponse<String> after = f.send(f.modernPost(quick).build());
            assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
        }
    }
}
