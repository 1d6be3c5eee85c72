package io.gatekit.upstream;

import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.transport.MessageConnection;
import io.gatekit.transport.MessageHandler;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The stdio wire: newline-delimited JSON over a spawned process's stdin and stdout. */
final class StdioWire implements UpstreamWire {
    private final UpstreamProcess process;
    private final MessageConnection connection;

    StdioWire(String name, UpstreamProcess process, JsonRpcCodec codec, int maxMessageBytes) {
        this.process = process;
        this.connection = new MessageConnection("upstream-" + name, process.process().getInputStream(),
                process.process().getOutputStream(), codec, maxMessageBytes);
    }

    @Override
    public void start(MessageHandler handler) {
        connection.start(handler);
    }

    @Override
    public boolean send(JsonRpcMessage message) {
        return connection.send(message);
    }

    @Override
    public String describeEnd(@Nullable Throwable cause) {
        try {
            process.process().waitFor(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.awaitStderr(Duration.ofMillis(200));
        StringBuilder why = new StringBuilder();
        if (process.exitCode().isPresent()) {
            why.append("exited with code ").append(process.exitCode().get());
        } else {
            why.append("closed its stdout");
        }
        if (cause != null) {
            why.append(" (").append(cause.getMessage()).append(')');
        }
        List<String> tail = process.stderrTail();
        if (!tail.isEmpty()) {
            why.append("; last stderr: ").append(tail.getLast());
        }
        connection.close();
        return why.toString();
    }

    @Override
    public void shutdown(Duration grace) {
        process.stop(grace);
        connection.close();
    }

    @Override
    public Optional<Long> pid() {
        return Optional.of(process.pid());
    }
}
