package io.gatekit.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.faces.http.HttpFaceFixture;
import io.gatekit.testing.HttpGatewayProcess;
import io.gatekit.testing.NginxBalancer;
import io.gatekit.testing.RedisServer;
import io.gatekit.testing.SystemServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two gateway processes sharing a session key and a real {@code redis-server}, behind a real {@code nginx}
 * balancing round robin without stickiness (ADR 0027): a client's requests alternate instances; cancellation,
 * progress and a server-to-client request's answer reach the right place across instances; a notification made on
 * one instance reaches the GET stream on the other, and a GET resumed elsewhere replays it; a resource subscribed
 * through one instance is updated from the other; a DELETE ends the
 * session everywhere; an upstream's rate limit holds for both together; Redis is down for a while, then restarts
 * under them; one instance is killed mid-run. Skipped with a message where
 * redis-server or nginx is not installed ({@code scripts/install-services.sh}); on CI that is a failure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class MultiInstanceTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String KEY = "multi-instance-test-session-key-0123456789";
    /** The rate limit of the upstream "limited", which both instances must enforce together. */
    private static final int LIMITED_RATE = 2;
    private static final int LIMITED_BURST = 10;

    @TempDir
    static Path dir;
    private static RedisServer redis;
    private static HttpGatewayProcess first;
    private static HttpGatewayProcess second;
    private static NginxBalancer nginx;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        SystemServices.requireAll(List.of("redis-server", "nginx"));
        redis = RedisServer.start(dir);
        // Both at once: a gateway and its demo upstream are two JVMs to start.
        CompletableFuture<HttpGatewayProcess> starting = CompletableFuture.supplyAsync(() -> gateway("second"));
        first = gateway("first");
        second = starting.join();
        nginx = NginxBalancer.start(dir, List.of(backend(first), backend(second)));
    }

    private static HttpGatewayProcess gateway(String name) {
        Path home;
        try {
            home = Files.createDirectories(dir.resolve(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return HttpGatewayProcess.start(home, """
                proxy:
                  transport: http
                  http:
                    host: 127.0.0.1
                    port: 0
                    scale_out:
                      session_key: %s
                      redis: %s
                  upstreams:
                    - name: demo
                      command: %%DEMO%%
                    - name: limited
                      command: %%DEMO%%
                      rate_limit: {requests_per_second: %s, burst: %d}
                """.formatted(KEY, redis.uri(), LIMITED_RATE, LIMITED_BURST), Duration.ofSeconds(240));
    }

    private static String backend(HttpGatewayProcess gateway) {
        return "127.0.0.1:" + gateway.uri.getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {nginx, first, second, redis}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        // Not close(), which waits for every exchange to end: a GET stream a test let go of may still be open.
        http.shutdownNow();
    }

    // --- a small MCP client over raw HTTP ---

    private static URI balanced() {
        return URI.create("http://127.0.0.1:" + nginx.port() + "/mcp");
    }

    private static HttpRequest.Builder post(URI to, String session, String body) {
        return HttpFaceFixture.post(to, session, body);
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String initialize(String capabilities) throws Exception {
        HttpResponse<String> init = send(post(balanced(), null, """
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":%s,"clientInfo":{"name":"multi","version":"1"}}}""".formatted(capabilities)).build());
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(send(post(balanced(), session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .build()).statusCode()).isEqualTo(202);
        return session;
    }

    private static String echo(Object id, String message) {
        return """
                {"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{"name":"demo__echo","arguments":{"message":"%s"}}}"""
                .formatted(JSON.writeValueAsString(id), message);
    }

    private static URI uriOf(HttpGatewayProcess gateway) {
        return gateway.uri;
    }

    // --- the tests, in order: the last one kills an instance ---

    @Test
    @Order(1)
    void aClientsRequestsAlternateInstancesAndEveryOneIsAnswered() throws Exception {
        Set<String> servedBy = new HashSet<>();
        for (int client = 0; client < 3; client++) {
            String session = initialize("{}");
            for (int i = 0; i < 60; i++) {
                String message = "c" + client + "-" + i;
                HttpResponse<String> answer = send(post(balanced(), session, echo(i, message)).build());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(answer.body()).contains("\"text\":\"" + message + "\"");
                servedBy.add(answer.headers().firstValue(NginxBalancer.UPSTREAM_HEADER).orElseThrow());
            }
        }
        assertThat(servedBy).containsExactlyInAnyOrder(backend(first), backend(second));
    }

    @Test
    @Order(2)
    void progressReachesTheClientAndACancelSentToTheOtherInstanceStopsTheCall() throws Exception {
        String session = initialize("{}");
        CompletableFuture<HttpResponse<Stream<String>>> call = http.sendAsync(post(balanced(), session, """
                {"jsonrpc":"2.0","id":"slow","method":"tools/call","params":{"name":"demo__sleep",
                 "arguments":{"ms":60000,"steps":60},"_meta":{"progressToken":"p-slow"}}}""").build(),
                HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> stream = call.get(30, TimeUnit.SECONDS);
        String runner = stream.headers().firstValue(NginxBalancer.UPSTREAM_HEADER).orElseThrow();
        Iterator<String> lines = stream.body().iterator();
        String progress = nextDataLine(lines);
        assertThat(progress).contains("notifications/progress").contains("p-slow");

        HttpGatewayProcess other = runner.equals(backend(first)) ? second : first;
        HttpResponse<String> cancel = send(post(uriOf(other), session, """
                {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"slow","reason":"test"}}""").build());
        assertThat(cancel.statusCode()).isEqualTo(202);

        // Well before the 60 s sleep would have ended on its own.
        assertThat(answer(lines, "slow")).contains("cancelled");
    }

    /** The data line of the response to request {@code id} on an event stream, waited for at most 30 s. */
    private static String answer(Iterator<String> lines, String id) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            String line;
            do {
                line = nextDataLine(lines);
            } while (!line.contains("\"id\":\"" + id + "\""));
            return line;
        }).get(30, TimeUnit.SECONDS);
    }

    /** The next {@code data:} line of an event stream; a JSON answer (no stream) is returned whole. */
    private static String nextDataLine(Iterator<String> lines) {
        StringBuilder other = new StringBuilder();
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data:")) {
                return line;
            }
            other.append(line).append('\n');
        }
        throw new AssertionError("the event stream ended; it had: " + other);
    }

    @Test
    @Order(3)
    void theAnswerToAServerRequestFindsTheInstanceThatAskedWhereverItIsPosted() throws Exception {
        String session = initialize("{\"sampling\":{}}");
        CompletableFuture<HttpResponse<Stream<String>>> call = http.sendAsync(post(balanced(), session, """
                {"jsonrpc":"2.0","id":"ask","method":"tools/call","params":{"name":"demo__sample",
                 "arguments":{"prompt":"hello"}}}""").build(), HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> stream = call.get(30, TimeUnit.SECONDS);
        String runner = stream.headers().firstValue(NginxBalancer.UPSTREAM_HEADER).orElseThrow();
        Iterator<String> lines = stream.body().iterator();
        JsonNode request = JSON.readTree(nextDataLine(lines).substring("data:".length()));
        assertThat(request.path("method").asString()).isEqualTo("sampling/createMessage");

        HttpGatewayProcess other = runner.equals(backend(first)) ? second : first;
        HttpResponse<String> reply = send(post(uriOf(other), session, """
                {"jsonrpc":"2.0","id":%s,"result":{"role":"assistant","content":{"type":"text","text":"from the model"},
                 "model":"test"}}""".formatted(JSON.writeValueAsString(request.get("id")))).build());
        assertThat(reply.statusCode()).isEqualTo(202);

        assertThat(answer(lines, "ask")).contains("from the model");
    }

    @Test
    @Order(4)
    void aNotificationMadeOnOneInstanceReachesTheGetStreamOnTheOtherAndIsReplayedWhereverItResumes() throws Exception {
        String session = initialize("{}");
        assertThat(send(post(uriOf(second), session, echo(1, "here")).build()).statusCode()).isEqualTo(200);
        HttpResponse<Stream<String>> onFirst = openGet(first, session, null);
        Iterator<String> events = onFirst.body().iterator();

        assertThat(send(post(uriOf(second), session, changeTools(2)).build()).statusCode()).isEqualTo(200);
        String[] seen = nextEvent(events, "notifications/tools/list_changed");
        assertThat(seen[0]).matches("g-\\d+-\\d+"); // the shared stream's id, unique across instances
        onFirst.body().close();

        // Made while the client has no stream, then resumed on the other instance after the last event it had.
        assertThat(send(post(uriOf(second), session, changeTools(3)).build()).statusCode()).isEqualTo(200);
        HttpResponse<Stream<String>> onSecond = openGet(second, session, seen[0]);
        String[] missed = nextEvent(onSecond.body().iterator(), "notifications/tools/list_changed");
        assertThat(missed[0]).matches("g-\\d+-\\d+").isNotEqualTo(seen[0]);
        onSecond.body().close();
    }

    @Test
    @Order(5)
    void aResourceSubscribedThroughOneInstanceIsUpdatedFromTheOther() throws Exception {
        String session = initialize("{}");
        HttpResponse<String> subscribed = send(post(uriOf(first), session, """
                {"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"demo__demo://readme"}}""").build());
        assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(200);
        assertThat(subscribed.body()).doesNotContain("\"error\"");
        HttpResponse<Stream<String>> stream = openGet(first, session, null);

        // The other instance's copy of the session subscribes its own upstream too; its update reaches the stream.
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(send(post(uriOf(second), session, touch(2)).build()).body())
                        .as("second's log: %s", second.stderrText()).contains("\"text\":\"notified\""));
        String[] updated = nextEvent(stream.body().iterator(), "notifications/resources/updated");
        assertThat(updated[1]).contains("demo__demo://readme");
        stream.body().close();

        HttpResponse<String> unsubscribed = send(post(uriOf(first), session, """
                {"jsonrpc":"2.0","id":3,"method":"resources/unsubscribe","params":{"uri":"demo__demo://readme"}}""").build());
        assertThat(unsubscribed.statusCode()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(send(post(uriOf(second), session, touch(4)).build()).body()).contains("not subscribed"));
    }

    private static String touch(int id) {
        return """
                {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"demo__touch","arguments":{"uri":"demo://readme"}}}"""
                .formatted(id);
    }

    private static String changeTools(int id) {
        return """
                {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"demo__change_tools","arguments":{}}}"""
                .formatted(id);
    }

    private static HttpResponse<Stream<String>> openGet(HttpGatewayProcess gateway, String session, String lastEventId)
            throws Exception {
        HttpRequest.Builder get = HttpRequest.newBuilder(uriOf(gateway)).GET().header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session);
        if (lastEventId != null) {
            get.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> stream = http.sendAsync(get.build(), HttpResponse.BodyHandlers.ofLines())
                .get(30, TimeUnit.SECONDS);
        assertThat(stream.statusCode()).isEqualTo(200);
        return stream;
    }

    /** The id and data of the next event whose data contains {@code wanted}, waited for at most 30 s. */
    private static String[] nextEvent(Iterator<String> lines, String wanted) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            String id = null;
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("data:") && line.contains(wanted)) {
                    return new String[] {id, line};
                }
            }
            throw new AssertionError("the event stream ended before " + wanted);
        }).get(30, TimeUnit.SECONDS);
    }

    @Test
    @Order(6)
    void aDeleteEndsTheSessionOnEveryInstance() throws Exception {
        String session = initialize("{}");
        assertThat(send(post(uriOf(first), session, echo(1, "a")).build()).statusCode()).isEqualTo(200);
        assertThat(send(post(uriOf(second), session, echo(2, "b")).build()).statusCode()).isEqualTo(200);

        HttpResponse<String> deleted = send(HttpRequest.newBuilder(uriOf(first)).DELETE()
                .header("Mcp-Session-Id", session).build());
        assertThat(deleted.statusCode()).isEqualTo(200);

        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(send(post(uriOf(second), session, echo(3, "c")).build()).statusCode()).isEqualTo(404));
        assertThat(send(post(balanced(), session, echo(4, "d")).build()).statusCode()).isEqualTo(404);

        // An instance that never held the session learns of the end from Redis alone.
        String never = initialize("{}");
        assertThat(send(HttpRequest.newBuilder(uriOf(first)).DELETE().header("Mcp-Session-Id", never).build())
                .statusCode()).isIn(200, 404);
        assertThat(send(post(uriOf(second), never, echo(5, "e")).build()).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(7)
    void anUpstreamsRateLimitHoldsForBothInstancesTogether() throws Exception {
        String session = initialize("{}");
        int accepted = 0;
        Set<String> acceptedBy = new HashSet<>();
        long start = System.nanoTime();
        for (int i = 0; i < 120; i++) {
            HttpResponse<String> answer = send(post(balanced(), session, """
                    {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"limited__echo","arguments":{"message":"r"}}}"""
                    .formatted(i)).build());
            if (answer.statusCode() == 200) {
                assertThat(answer.body()).contains("\"text\":\"r\"");
                accepted++;
                acceptedBy.add(answer.headers().firstValue(NginxBalancer.UPSTREAM_HEADER).orElseThrow());
            } else {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
                assertThat(JSON.readTree(answer.body()).path("error").path("code").asInt()).isEqualTo(-32004);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // One bucket for both: its burst plus what refilled meanwhile (one token of slack for the edges). Two
        // buckets would grant about twice that.
        assertThat(accepted).as("accepted in %.1f s", seconds)
                .isGreaterThanOrEqualTo(LIMITED_BURST)
                .isLessThanOrEqualTo(LIMITED_BURST + (int) Math.ceil(LIMITED_RATE * seconds) + 1);
        assertThat(acceptedBy).containsExactlyInAnyOrder(backend(first), backend(second));
    }

    @Test
    @Order(8)
    void whileRedisIsDownRequestsAreAnsweredAndNothingHangs() throws Exception {
        String session = initialize("{}");
        redis.kill();
        // Far beyond the 2 s command timeout, far below "hangs".
        Duration bound = Duration.ofSeconds(15);
        try {
            // A session new to an instance continues (nothing it needs is in Redis); a rate-limited upstream is
            // limited per instance meanwhile; a DELETE is answered. Each within the command timeout, not later.
            String fresh = initialize("{}");
            for (int i = 0; i < 6; i++) {
                for (String id : List.of(session, fresh)) {
                    HttpResponse<String> answer = send(post(balanced(), id, echo(i, "down-" + i)).timeout(bound).build());
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                }
                HttpResponse<String> limited = send(post(balanced(), session, """
                        {"jsonrpc":"2.0","id":"l%d","method":"tools/call","params":{"name":"limited__echo","arguments":{"message":"l"}}}"""
                        .formatted(i)).timeout(bound).build());
                assertThat(limited.statusCode()).as(limited.body()).isIn(200, 429);
            }
            HttpResponse<String> deleted = send(HttpRequest.newBuilder(balanced()).DELETE()
                    .header("Mcp-Session-Id", fresh).timeout(bound).build());
            assertThat(deleted.statusCode()).isEqualTo(200);
        } finally {
            redis.startAgain();
        }
    }

    @Test
    @Order(9)
    void afterARedisRestartSessionsStillContinueAndEndEverywhere() throws Exception {
        String before = initialize("{}");
        redis.restart();

        // Sessions need nothing from Redis to continue: the token carries them.
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> answer = send(post(balanced(), before, echo(i, "after-restart-" + i)).build());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("after-restart-" + i);
        }
        // Once the instances have reconnected (on their own), a DELETE reaches every instance again.
        Awaitility.await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            String session = initialize("{}");
            assertThat(send(post(uriOf(second), session, echo(1, "x")).build()).statusCode()).isEqualTo(200);
            send(HttpRequest.newBuilder(uriOf(first)).DELETE().header("Mcp-Session-Id", session).build());
            Awaitility.await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                    assertThat(send(post(uriOf(second), session, echo(2, "y")).build()).statusCode()).isEqualTo(404));
        });
    }

    @Test
    @Order(10)
    void whenAnInstanceIsKilledMidRunTheSessionGoesOnOnTheOther() throws Exception {
        String session = initialize("{}");
        int retried = 0;
        Set<String> servedAfterKill = new HashSet<>();
        for (int i = 0; i < 80; i++) {
            if (i == 30) {
                second.close(); // SIGKILL, with its upstream: no goodbye
            }
            String message = "k" + i;
            HttpResponse<String> answer = send(post(balanced(), session, echo(i, message)).build());
            if (answer.statusCode() >= 500) {
                // What a client may do with a request whose connection failed: send it again.
                retried++;
                answer = send(post(balanced(), session, echo(i, message)).build());
            }
            assertThat(answer.statusCode()).as("request %d: %s", i, answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("\"text\":\"" + message + "\"");
            if (i >= 30) {
                servedAfterKill.add(answer.headers().firstValue(NginxBalancer.UPSTREAM_HEADER).orElseThrow());
            }
        }
        assertThat(retried).isLessThanOrEqualTo(1);
        assertThat(servedAfterKill).allSatisfy(addr -> assertThat(addr).contains(backend(first)));
    }
}
