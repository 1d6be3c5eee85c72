package io.gatekit.transport.http;

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
}
