package io.gatekit.bench;

import io.gatekit.scaleout.SessionKeys;
import io.gatekit.scaleout.SessionSnapshot;
import io.gatekit.scaleout.SessionTokens;
import io.gatekit.session.ClientInfo;
import io.gatekit.session.Principal;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cost of a scaled-out session id (ADR 0027): sealing a typical session into its token (at {@code initialize})
 * and opening it (when an instance first sees the session), single-threaded, in nanoseconds per operation.
 * Measured as this thread's CPU time (steady on a shared machine, unlike wall time). Rounds of {@code --ops} operations after {@code --warmup} rounds; prints the median and the range, and the
 * token's length. Target: both in single-digit microseconds. Run with {@code scripts/bench tokens}.
 */
public final class TokenBench {
    private static volatile int sink;

    private TokenBench() {}

    public static void main(String[] args) {
        int ops = option(args, "--ops=", 100_000);
        int warmup = option(args, "--warmup=", 5);
        int rounds = option(args, "--rounds=", 10);
        JsonMapper json = JsonMapper.builder().build();
        SessionTokens tokens = new SessionTokens(
                SessionKeys.derive(List.of("bench-secret-of-at-least-thirty-two-bytes-0001"), Duration.ofHours(1),
                        Clock.systemUTC()), Duration.ofHours(24), Clock.systemUTC());
        SessionSnapshot snapshot = new SessionSnapshot(
                new Principal("user-7c1e2a", Map.of("scope", "tools:call resources:read", "tenant", "acme")),
                new ClientInfo("2025-11-25",
                        json.readTree("{\"roots\":{\"listChanged\":true},\"sampling\":{},\"elicitation\":{}}"),
                        json.readTree("{\"name\":\"claude-code\",\"version\":\"2.1.4\"}")),
                null, Instant.now());
        String token = tokens.seal(snapshot);

        // CPU time of this thread, not wall time: on a shared machine a descheduled thread is not a slow token.
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long[] seal = new long[rounds];
        long[] open = new long[rounds];
        for (int round = -warmup; round < rounds; round++) {
            long start = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
                sink += tokens.seal(snapshot).length();
            }
            long sealed = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
                sink += tokens.open(token).isPresent() ? 1 : 0;
            }
            long opened = cpu.getCurrentThreadCpuTime();
            if (round >= 0) {
                seal[round] = (sealed - start) / ops;
                open[round] = (opened - sealed) / ops;
            }
        }
        System.out.printf("token: %d characters%n", token.length());
        report("seal (initialize)", seal);
        report("open (session new to an instance)", open);
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%-36s median %6.2f us/op CPU  (rounds %.2f-%.2f)%n", what, sorted[sorted.length / 2] / 1000.0,
                sorted[0] / 1000.0, sorted[sorted.length - 1] / 1000.0);
    }

    private static int option(String[] args, String prefix, int fallback) {
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return Integer.parseInt(arg.substring(prefix.length()));
            }
        }
        return fallback;
    }
}
