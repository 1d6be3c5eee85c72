package io.gatekit.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load of {@code scripts/soak} (ADR 0026): mixed traffic with clients coming and going, for a fixed time.
 * HTTP: {@code sessions} concurrent loops, each opening a session (initialize), making a few calls of every kind
 * (echo, a short sleep with progress, tools/list, a malformed body, an unknown tool, a call it cancels), then ending
 * it (DELETE) and starting over, plus stateless 2026-07-28 calls. stdio: one client on the stdio gateway's pipes
 * sending the same mix in a closed loop. Prints one summary line per face at the end; exit 1 if nothing got through.
 *
 * <p>Usage: {@code SoakLoad <http-url> <seconds> <sessions> -- <stdio gateway command...>}
 */
public final class SoakLoad {
    private static final AtomicLong OK = new AtomicLong();
    private static final AtomicLong FAILED = new AtomicLong();
    private static final AtomicLong SESSIONS = new AtomicLong();

    private SoakLoad() {}

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[1])).toNanos();
        int sessions = Integer.parseInt(args[2]);
        List<String> stdioCommand = List.of(args).subList(4, args.length);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<Thread> loops = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            int seed = i;
            loops.add(Thread.ofVirtual().start(() -> httpLoop(http, url, deadline, new Random(seed))));
        }
        long[] stdio = stdioLoop(stdioCommand, deadline);
        for (Thread loop : loops) {
            loop.join();
        }
        System.out.printf("soak-load http: %d sessions opened and closed, %d answers, %d failures%n",
                SESSIONS.get(), OK.get(), FAILED.get());
        System.out.printf("soak-load stdio: %d answers, %d errors answered%n", stdio[0], stdio[1]);
        System.exit(OK.get() > 0 && stdio[0] > 0 ? 0 : 1);
    }

    private static void httpLoop(HttpClient http, URI url, long deadline, Random random) {
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> init = post(http, url, null, """
                        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                         "capabilities":{},"clientInfo":{"name":"soak","version":"0"}}}""");
                String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
                SESSIONS.incrementAndGet();
                post(http, url, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
                for (int call = 0; call < 20 && System.nanoTime() < deadline; call++) {
                    String body = switch (random.nextInt(7)) {
                        case 0 -> "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/list\"}";
                        case 1 -> "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"demo__sleep\",\"arguments\":{\"ms\":30,\"steps\":3},\"_meta\":{\"progressToken\":\"p\"}}}";
                        case 2 -> "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"nope__x\",\"arguments\":{}}}";
                        case 3 -> "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":";
                        case 4 -> "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"demo__echo\",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}},\"arguments\":{\"message\":\"stateless\"}}}";
                        default -> "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"demo__echo\",\"arguments\":{\"message\":\"" + "m".repeat(random.nextInt(4096)) + "\"}}}";
                    };
                    boolean stateless = body.contains("2026-07-28");
                    HttpResponse<String> answer = post(http, url, stateless ? null : session, body.formatted(call + 2));
                    (answer.statusCode() < 500 ? OK : FAILED).incrementAndGet();
                }
                http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).header("Mcp-Session-Id", session)
                        .header("MCP-Protocol-Version", "2025-11-25").DELETE().build(), HttpResponse.BodyHandlers.discarding());
            } catch (Exception e) {
                FAILED.incrementAndGet();
            }
        }
    }

    private static HttpResponse<String> post(HttpClient http, URI url, String session, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        } else if (body.contains("2026-07-28")) {
            request.header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call").header("Mcp-Name", "demo__echo");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One stdio client in a closed loop of 8 in flight; returns {answers, error answers}. */
    private static long[] stdioLoop(List<String> command, long deadline) throws Exception {
        Process gateway = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        System.out.println("soak-load stdio-pid " + gateway.pid());
        System.out.flush();
        OutputStream out = gateway.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
        write(out, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"soak-stdio\",\"version\":\"0\"}}}");
        in.readLine();
        write(out, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        Random random = new Random(7);
        long answers = 0;
        long errors = 0;
        int id = 1;
        for (int i = 0; i < 8; i++) {
            write(out, stdioCall(id++, random));
        }
        while (System.nanoTime() < deadline) {
            String line = in.readLine();
            if (line == null) {
                break;
            }
            if (!line.contains("\"id\"") || line.contains("notifications/")) {
                continue;
            }
            answers++;
            errors += line.contains("\"error\"") ? 1 : 0;
            write(out, stdioCall(id++, random));
        }
        out.close();
        gateway.waitFor();
        return new long[] {answers, errors};
    }

    private static String stdioCall(int id, Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/list\"}";
            case 1 -> "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"demo__sleep\",\"arguments\":{\"ms\":20,\"steps\":2},\"_meta\":{\"progressToken\":" + id + "}}}";
            case 2 -> "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"nope__x\"}}";
            case 3 -> "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}";
            default -> "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"demo__echo\",\"arguments\":{\"message\":\"" + "s".repeat(random.nextInt(8192)) + "\"}}}";
        };
    }

    private static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
