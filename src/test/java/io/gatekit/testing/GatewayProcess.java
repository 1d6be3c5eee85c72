package io.gatekit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The gateway as a real child process ({@code gatekit gateway --config FILE}) with a client on its stdio. */
public final class GatewayProcess implements AutoCloseable {
    public final Process process;
    public final TestClient client;
    public final Path stderr;

    private GatewayProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.client = new TestClient(process.getInputStream(), process.getOutputStream());
    }

    /** Starts a gateway on {@code yaml} ({@code %DEMO%} = the demo server command), written to {@code dir}. */
    public static GatewayProcess start(Path dir, String yaml, String... extraArgs) {
        try {
            Path config = dir.resolve("gatekit.yaml");
            Files.writeString(config, yaml.replace("%DEMO%", Processes.demoServerYaml()));
            List<String> args = new ArrayList<>(List.of("gateway", "--config", config.toString()));
            args.addAll(List.of(extraArgs));
            Path stderr = dir.resolve("gateway-stderr.log");
            Process process = new ProcessBuilder(Processes.gatekit(args.toArray(String[]::new)))
                    .redirectError(stderr.toFile())
                    .start();
            return new GatewayProcess(process, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String stderrText() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "";
        }
    }

    /** Everything this gateway started (upstreams and their children). */
    public List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    /** Closes stdin (the client going away) and waits for the gateway to exit. */
    public int closeAndWait(long seconds) throws InterruptedException {
        client.close();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("gateway did not exit within " + seconds + " s after stdin closed");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        client.close();
        List<ProcessHandle> children = descendants();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
