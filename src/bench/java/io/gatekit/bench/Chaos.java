package io.gatekit.bench;

import static io.gatekit.bench.Stats.f;

import io.gatekit.bench.HttpConn.Endpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chaos part of the published benchmark: many HTTP sessions through one gateway doing what a gateway must keep
 * apart, with every answer checked against what its own request asked for.
 *
 * <ol>
 *   <li>Collisions: every session uses the same request ids and the same progress tokens at the same time; each
 *       echo answer must carry its own session's text, and each delayed call's stream exactly its own progress
 *       notifications.</li>
 *   <li>Cancel storm: each session starts long calls and cancels them at once from another connection; no
 *       cancelled call may still be answered with a result.</li>
 *   <li>Upstream kill: while sessions loop on echo, the upstream process is killed (the demo's {@code crash} tool)
 *       and restarted by the gateway; every request must be answered, successfully or with an error.</li>
 * </ol>
 *
 * <p>Counts: <em>misrouted</em> (an answer, or a progress notification, that belongs to another request),
 * <em>lost</em> (a request with no answer at all within its time limit), <em>late</em> (a result for a cancelled
 * request), and the answers with an error (expected only around the kill).
 */
final class Chaos {
    private static final Pattern PROGRESS_TOKEN = Pattern.compile("\"progressToken\":\"([^\"]*)\"");

    private Chaos() {}

    /** One scenario's counts. */
    record Outcome(String scenario, long requests, long ok, long errors, long misrouted, long lost, long late) {
        boolean clean() {
            return misrouted == 0 && lost == 0 && late == 0;
        }
    }

    static List<Outcome> run(Target.Launch launch, Path workDir, PrintStream out) {
        out.println();
        out.println("== Chaos: 8 HTTP sessions through one gateway; id and progress-token collisions, a cancel storm, an upstream killed mid-run");
        List<Outcome> outcomes = new ArrayList<>();
        try (HttpTarget gateway = HttpTarget.startGatekit(launch, workDir, 4096)) {
            Endpoint endpoint = gateway.endpoint;
            AtomicInteger failures = new AtomicInteger();
            List<String> sessions = HttpLoad.openSessions(endpoint, 8, 4, TimeUnit.SECONDS.toNanos(60), failures);
            if (sessions.size() < 8) {
                throw new IllegalStateException("chaos: only " + sessions.size() + " of 8 sessions opened");
            }
            outcomes.add(collisions(endpoint, sessions, 6));
            outcomes.add(cancelStorm(endpoint, sessions, 25));
            outcomes.add(upstreamKill(endpoint, sessions, 6));
        }
        for (Outcome o : outcomes) {
            out.println(f("  %-34s %6d requests: %6d ok, %4d errors, %d misrouted, %d lost, %d late  [%s]", o.scenario(),
                    o.requests(), o.ok(), o.errors(), o.misrouted(), o.lost(), o.late(), o.clean() ? "PASS" : "FAIL"));
        }
        return outcomes;
    }

    /** Counters shared by one scenario's workers. */
    private static final class Tally {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong misrouted = new AtomicLong();
        final AtomicLong lost = new AtomicLong();
        final AtomicLong late = new AtomicLong();

        Outcome outcome(String scenario) {
            return new Outcome(scenario, requests.get(), ok.get(), errors.get(), misrouted.get(), lost.get(), late.get());
        }

        /** Checks an echo answer: its own text, a result, or an error answer. */
        void echoAnswered(HttpConn conn, String expected) {
            String body = conn.bodyText();
            if (conn.status != 200) {
                errors.incrementAndGet();
            } else if (body.contains("\"error\"")) {
                errors.incrementAndGet();
            } else if (body.contains("\"" + expected + "\"")) {
                ok.incrementAndGet();
            } else {
                misrouted.incrementAndGet();
            }
        }
    }

    private static Outcome collisions(Endpoint endpoint, List<String> sessions, double seconds) {
        Tally tally = new Tally();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        for (int s = 0; s < sessions.size(); s++) {
            for (int c = 0; c < 4; c++) {
                int session = s;
                int conn = c;
                workers.add(Thread.ofVirtual().start(() -> {
                    byte[] head = endpoint.head(sessions.get(session));
                    try (HttpConn http = new HttpConn(endpoint, 30_000)) {
                        for (int n = 1; System.nanoTime() < end; n++) {
                            // The same ids and tokens in every session: connection c uses ids c*1e6+n and token "t<c>".
                            long id = conn * 1_000_000L + n;
                            tally.requests.incrementAndGet();
                            try {
                                if (n % 4 == 0) {
                                    String token = "t" + conn;
                                    http.post(head, bytes("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{"
                                            + "\"name\":\"demo__sleep\",\"arguments\":{\"ms\":20,\"steps\":2},"
                                            + "\"_meta\":{\"progressToken\":\"" + token + "\"}}}"), -1, null);
                                    progressChecked(tally, http, token, 2);
                                } else {
                                    String text = "s" + session + "c" + conn + "n" + n;
                                    http.post(head, bytes("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{"
                                            + "\"name\":\"demo__echo\",\"arguments\":{\"message\":\"" + text + "\"}}}"), -1, null);
                                    tally.echoAnswered(http, text);
                                }
                            } catch (IOException e) {
                                tally.lost.incrementAndGet();
                            }
                        }
                    }
                }));
            }
        }
        HttpLoad.joinAll(workers, System.nanoTime() + TimeUnit.SECONDS.toNanos((long) seconds + 60));
        return tally.outcome("id + progress-token collisions");
    }

    /** A delayed call's stream: a result, and exactly {@code steps} progress notifications, all with its token. */
    private static void progressChecked(Tally tally, HttpConn http, String token, int steps) {
        String body = http.bodyText();
        if (http.status != 200 || body.contains("\"error\"")) {
            tally.errors.incrementAndGet();
            return;
        }
        Matcher m = PROGRESS_TOKEN.matcher(body);
        int mine = 0;
        boolean foreign = false;
        while (m.find()) {
            if (m.group(1).equals(token)) {
                mine++;
            } else {
                foreign = true;
            }
        }
        if (foreign || mine != steps || !body.contains("\"result\"")) {
            tally.misrouted.incrementAndGet();
        } else {
            tally.ok.incrementAndGet();
        }
    }

    private static Outcome cancelStorm(Endpoint endpoint, List<String> sessions, int perSession) {
        Tally tally = new Tally();
        List<Thread> workers = new ArrayList<>();
        for (int s = 0; s < sessions.size(); s++) {
            byte[] head = endpoint.head(sessions.get(s));
            for (int i = 0; i < perSession; i++) {
                long id = 500 + i; // the same ids in every session
                workers.add(Thread.ofVirtual().start(() -> {
                    tally.requests.incrementAndGet();
                    Thread canceller = Thread.ofVirtual().unstarted(() -> {
                        try (HttpConn http = new HttpConn(endpoint, 30_000)) {
                            http.post(head, bytes("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":"
                                    + "{\"requestId\":" + id + ",\"reason\":\"chaos\"}}"), -1, null);
                        } catch (IOException e) {
                            tally.errors.incrementAndGet();
                        }
                    });
                    try (HttpConn http = new HttpConn(endpoint, 30_000)) {
                        // The call would take 5 s; the cancel follows once the call's request is on its way.
                        Thread.ofVirtual().start(() -> {
                            HttpLoad.sleepMillis(150);
                            canceller.start();
                        });
                        http.post(head, bytes("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{"
                                + "\"name\":\"demo__sleep\",\"arguments\":{\"ms\":5000}}}"), -1, null);
                        if (http.bodyText().contains("\"result\"")) {
                            tally.late.incrementAndGet();
                        } else {
                            tally.ok.incrementAndGet(); // ended without a result, as a cancelled request must
                        }
                    } catch (IOException e) {
                        tally.lost.incrementAndGet();
                    }
                }));
            }
        }
        HttpLoad.joinAll(workers, System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
        return tally.outcome("cancel storm (" + sessions.size() * perSession + " calls)");
    }

    private static Outcome upstreamKill(Endpoint endpoint, List<String> sessions, double seconds) {
        Tally tally = new Tally();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        for (int s = 0; s < sessions.size(); s++) {
            int session = s;
            byte[] head = endpoint.head(sessions.get(s));
            for (int c = 0; c < 2; c++) {
                int conn = c;
                workers.add(Thread.ofVirtual().start(() -> {
                    try (HttpConn http = new HttpConn(endpoint, 60_000)) {
                        for (int n = 1; System.nanoTime() < end; n++) {
                            String text = "k" + session + "c" + conn + "n" + n;
                            tally.requests.incrementAndGet();
                            try {
                                http.post(head, bytes("{\"jsonrpc\":\"2.0\",\"id\":" + (conn * 1_000_000L + n)
                                        + ",\"method\":\"tools/call\",\"params\":{\"name\":\"demo__echo\",\"arguments\":"
                                        + "{\"message\":\"" + text + "\"}}}"), -1, null);
                                tally.echoAnswered(http, text);
                            } catch (IOException e) {
                                tally.lost.incrementAndGet();
                            }
                        }
                    }
                }));
            }
        }
        // A third of the way in, the upstream process dies; the gateway answers what it had in flight and restarts it.
        HttpLoad.sleepMillis((long) (seconds * 1000 / 3));
        try (HttpConn http = new HttpConn(endpoint, 30_000)) {
            http.post(endpoint.head(sessions.get(0)), bytes("{\"jsonrpc\":\"2.0\",\"id\":99999999,\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"demo__crash\",\"arguments\":{\"code\":1}}}"), -1, null);
        } catch (IOException e) {
            // the crash call itself may be answered with an error or not at all; it is not counted
        }
        HttpLoad.joinAll(workers, System.nanoTime() + TimeUnit.SECONDS.toNanos((long) seconds + 90));
        return tally.outcome("upstream killed mid-run");
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
