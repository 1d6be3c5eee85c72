package io.gatekit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway as a real child process serving MCP over HTTP ({@code gatekit gateway --config FILE} with
 * {@code proxy.transport: http}). The endpoint is learnt from the line the gateway prints to stderr
 * ({@code gatekit: serving MCP on <url>}), so configs may ask for port 0.
 */
public final class HttpGatewayProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("gatekit: serving MCP on (\\S+)");

    public final Process process;
    public final Path stderr;
    public final URI uri;
    /** Every descendant the gateway ever had (its upstreams and theirs), watched from the start. */
    public final ProcessTree tree;

    private HttpGatewayProcess(Process process, Path stderr, URI uri, ProcessTree tree) {
        this.process = process;
        this.stderr = stderr;
        this.uri = uri;
        this.tree = tree;
    }

    /**
     * Starts a gateway on {@code yaml} ({@code %DEMO%} = the demo server command) written to {@code dir}, and
     * waits at most {@code startup} for it to print its endpoint.
     */
    public static HttpGatewayProcess start(Path dir, String yaml, Duration startup) {
        Process process = null;
        ProcessTree tree = null;
        try {
            Path config = dir.resolve("gatekit.yaml");
            Files.writeString(config, yaml.replace("%DEMO%", Processes.demoServerYaml()));
            Path stderr = dir.resolve("gateway-stderr.log");
            process = new ProcessBuilder(Processes.gatekit("gateway", "--config", config.toString()))
                    .redirectError(stderr.toFile())
                    .redirectOutput(dir.resolve("gateway-stdout.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            tree = ProcessTree.watch(process.toHandle());
            long deadline = System.nanoTime() + startup.toNanos();
            while (System.nanoTime() < deadline) {
                Matcher matcher = SERVING.matcher(Files.readString(stderr));
                if (matcher.find()) {
                    return new HttpGatewayProcess(process, stderr, URI.create(matcher.group(1)), tree);
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(25);
            }
            String why = process.isAlive() ? "did not print its endpoint within " + startup.toSeconds() + " s"
                    : "exited with " + process.exitValue();
            throw new AssertionError("the HTTP gateway " + why + "; stderr:\n" + Files.readString(stderr));
        } catch (IOException e) {
            stop(process, tree);
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            stop(process, tree);
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while starting the gateway", e);
        } catch (AssertionError e) {
            stop(process, tree);
            throw e;
        }
    }

    /** A gateway serving HTTP on a free loopback port, in front of the demo server as upstream {@code demo}. */
    public static HttpGatewayProcess demo(Path dir) {
        return start(dir, """
                proxy:
                  transport: http
                  http:
                    host: 127.0.0.1
                    port: 0
                  upstreams:
                    - name: demo
                      command: %DEMO%
                """, Duration.ofSeconds(60));
    }

    private static void stop(Process process, ProcessTree tree) {
        if (tree != null) {
            tree.close();
        } else if (process != null) {
            process.destroyForcibly();
        }
    }

    public String stderrText() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "";
        }
    }

    /** Sends SIGTERM and waits up to {@code timeout} for the gateway to exit; its exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy(); // SIGTERM on Linux
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the gateway did not exit within " + timeout.toSeconds() + " s of SIGTERM; stderr:\n"
                    + stderrText());
        }
        return process.exitValue();
    }

    /** Processes of this run still alive after {@code timeout} (described); empty when all are gone. */
    public List<String> survivorsAfter(Duration timeout) {
        return tree.survivorsAfter(timeout);
    }

    /** Kills the gateway and everything it started that is still alive. */
    @Override
    public void close() {
        tree.close();
    }
}
