package io.gatekit.faces.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateways in this JVM sharing a session key (no Redis): a session begun on one continues on the other from
 * its token alone; ids that do not open get 404. The Redis-backed routing between instances is tested behind a
 * real nginx by {@code io.gatekit.scaleout.MultiInstanceTest}.
 */
class ScaledOutSessionsTest {
    private static final String SCALE_OUT = """
            scale_out:
              session_key: %s
            """;
    private static HttpFaceFixture first;
    private static HttpFaceFixture second;
    private static HttpFaceFixture stranger;

    @BeforeAll
    static void start() throws Exception {
        first = HttpFaceFixture.demo(SCALE_OUT.formatted("shared-secret-of-this-deployment-0123456789"), "");
        second = HttpFaceFixture.demo(SCALE_OUT.formatted("shared-secret-of-this-deployment-0123456789"), "");
        stranger = HttpFaceFixture.demo(SCALE_OUT.formatted("another-deployment-entirely-0123456789abcdef"), "");
    }

    @AfterAll
    static void stop() {
        for (HttpFaceFixture fixture : new HttpFaceFixture[] {first, second, stranger}) {
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    private static String echo(int id, String text) {
        return """
                {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"demo__echo","arguments":{"message":"%s"}}}"""
                .formatted(id, text);
    }

    @Test
    void aSessionBegunOnOneInstanceContinuesOnTheOtherAndBack() throws Exception {
        String session = first.initialize();

        HttpResponse<String> there = second.send(second.post(session, echo(2, "on the second")).build());
        HttpResponse<String> back = first.send(first.post(session, echo(3, "back on the first")).build());

        assertThat(there.statusCode()).isEqualTo(200);
        assertThat(there.body()).contains("on the second").contains("\"id\":2");
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(back.body()).contains("back on the first");
        assertThat(second.face.sessionCount()).isEqualTo(1);
    }

    @Test
    void idsThatDoNotOpenAreUnknownSessions() throws Exception {
        String session = first.initialize();
        char last = session.charAt(session.length() - 2);
        String tampered = session.substring(0, session.length() - 2) + (last == 'A' ? 'B' : 'A') + session.charAt(session.length() - 1);

        assertThat(second.send(second.post(tampered, echo(4, "x")).build()).statusCode()).isEqualTo(404);
        assertThat(stranger.send(stranger.post(session, echo(5, "x")).build()).statusCode()).isEqualTo(404);
        assertThat(second.send(second.post("AAAAAAAAAAAAAAAAAAAAAA", echo(6, "x")).build()).statusCode()).isEqualTo(404);
    }

    @Test
    void withoutScaleOutIdsStayRandomAndLocal() throws Exception {
        try (HttpFaceFixture alone = HttpFaceFixture.demo("", "")) {
            String session = alone.initialize();

            assertThat(session).hasSize(22);
            assertThat(second.send(second.post(session, echo(7, "x")).build()).statusCode()).isEqualTo(404);
        }
    }
}
