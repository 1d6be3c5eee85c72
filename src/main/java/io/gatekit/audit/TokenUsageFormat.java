package io.gatekit.audit;

import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.plugins.AuditEvent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code token_usage}: estimates the tokens each message would cost a model and writes one CSV row per answered
 * request ({@code timestamp,server,method,tool,input_tokens,output_tokens}) and per upstream notification, adding
 * the same numbers to the running totals of {@link TokenUsageState}. As in the original, a request is the model's
 * output (its tokens are counted when the request is recorded and remembered until its response), and a response
 * or a notification is the model's input. The tool is the {@code tools/call} name, {@code _other} for the rest.
 *
 * <p>The estimate is {@code max(characters / 4, words * 1.33)} over the message's JSON text (the original's fallback
 * when tiktoken is missing; tiktoken is Python-only), over at most 10 MiB of it.
 *
 * <p>Concurrency: called only on the writer's thread (see {@link EventFormat}), so the requests waiting for their
 * responses are a plain map.
 */
final class TokenUsageFormat implements EventFormat {
    static final List<String> COLUMNS = List.of("timestamp", "server", "method", "tool", "input_tokens", "output_tokens");
    static final String OTHER = "_other";
    /** The server name for the gateway's own methods (initialize, the merged lists), which name no upstream. */
    static final String GATEWAY = "_gateway";
    private static final int MAX_CONTENT = 10 * 1024 * 1024;
    /** How long a request waits for its response before it is forgotten (its output tokens are counted already). */
    private static final long PENDING_TTL_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final long SWEEP_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    static final FileLayout LAYOUT = new FileLayout("token usage CSV", CsvDialect.DEFAULT.header(COLUMNS),
            (time, count) -> CsvDialect.DEFAULT.row(Arrays.asList(AuditRecord.timestampOf(time), "", "AUDIT_DROPPED",
                    count + " records dropped", 0, 0)));

    private record Waiting(int outputTokens, long since) {}

    private final TokenUsageState state;
    private final JsonRpcCodec codec;
    private final Map<String, Waiting> waiting = new HashMap<>();
    private long lastSweep = System.nanoTime();

    TokenUsageFormat(TokenUsageState state, JsonRpcCodec codec) {
        this.state = state;
        this.codec = codec;
    }

    @Override
    public @Nullable String format(AuditEvent event) {
        String server = event.upstream() == null ? GATEWAY : event.upstream();
        return switch (event.type()) {
            case REQUEST -> {
                int output = estimate(codec.encode(event.message()));
                state.add(server, tool(event), 0, output);
                if (event.requestId() != null) {
                    sweep();
                    waiting.put(key(event), new Waiting(output, System.nanoTime()));
                }
                yield null; // the row is written with the response, which holds both counts
            }
            case RESPONSE -> {
                int input = estimate(codec.encode(event.message()));
                Waiting request = event.requestId() == null ? null : waiting.remove(key(event));
                state.add(server, tool(event), input, 0);
                yield row(event, server, tool(event), input, request == null ? 0 : request.outputTokens());
            }
            case NOTIFICATION -> {
                if (event.upstream() == null) {
                    yield null; // a client's own notification (initialized, cancelled): no upstream to count it for
                }
                int input = estimate(codec.encode(event.message()));
                state.add(server, OTHER, input, 0);
                yield row(event, server, OTHER, input, 0);
            }
        };
    }

    private static String row(AuditEvent event, String server, String tool, int input, int output) {
        return CsvDialect.DEFAULT.row(Arrays.asList(AuditRecord.timestampOf(event.time()), server, event.method(), tool,
                input, output));
    }

    private static String tool(AuditEvent event) {
        return event.method().equals("tools/call") && event.tool() != null ? event.tool() : OTHER;
    }

    private static String key(AuditEvent event) {
        return event.context().clientId() + " " + event.requestId();
    }

    /** Forgets requests whose responses never came (blocked requests, lost connections). */
    private void sweep() {
        long now = System.nanoTime();
        if (now - lastSweep < SWEEP_INTERVAL_NANOS) {
            return;
        }
        lastSweep = now;
        for (Iterator<Waiting> it = waiting.values().iterator(); it.hasNext(); ) {
            if (now - it.next().since() > PENDING_TTL_NANOS) {
                it.remove();
            }
        }
    }

    /**
     * {@code max(characters / 4, words * 1.33)} over UTF-8 JSON text: characters are the bytes that start a code
     * point, words the runs of non-whitespace.
     */
    static int estimate(byte[] utf8) {
        int length = Math.min(utf8.length, MAX_CONTENT);
        long characters = 0;
        long words = 0;
        boolean inWord = false;
        for (int i = 0; i < length; i++) {
            byte b = utf8[i];
            if ((b & 0xC0) != 0x80) {
                characters++;
            }
            boolean space = b == ' ' || b == '\n' || b == '\t' || b == '\r' || b == '\f' || b == 0x0B;
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return (int) Math.max(characters / 4, (long) (words * 1.33));
    }
}
