package io.gatekit.cli;

import io.gatekit.config.HotReload;
import io.gatekit.config.ClientTransport;
import io.gatekit.Gateway;
import io.gatekit.faces.stdio.FailedStartFace;
import io.gatekit.faces.stdio.StdioFace;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.config.ConfigException;
import io.gatekit.config.GatewayConfig;
import io.gatekit.config.ConfigWatcher;
import io.gatekit.observability.Logging;
import io.gatekit.observability.StatusFile;
import io.gatekit.faces.http.AdminListener;
import io.gatekit.faces.http.HttpFace;
import java.time.Duration;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gatekit gateway}: runs the gateway with its client face on stdio until stdin ends or a signal
 * arrives (or, with {@code proxy.transport: http}, as a Streamable HTTP server until a signal arrives), then
 * shuts every upstream down.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run the gateway. Clients speak MCP on stdin/stdout (or Streamable HTTP with proxy.transport: http); logs go to stderr (or a file).")
final class GatewayCommand implements Callable<Integer> {
    /** How long a gateway that cannot start waits for its client's first request, to answer it with why. */
    static final Duration CLIENT_WAIT_ON_FAILED_START = Duration.ofSeconds(10);

    @Mixin
    ConfigOptions options;

    @Option(names = {"-v", "--verbose"}, description = "Log at DEBUG, whatever the config says.")
    boolean verbose;

    @Override
    public Integer call() throws InterruptedException {
        // Take the real stdout for MCP and point System.out at stderr, so no library print can corrupt the stream.
        FileOutputStream mcpOut = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        GatewayConfig config;
        try {
            config = options.load();
        } catch (ConfigException e) {
            System.err.println("gatekit: invalid configuration\n" + e.getMessage());
            if (options.declaredTransport().orElse(ClientTransport.STDIO) == ClientTransport.STDIO) {
                tellTheClient(e, mcpOut);
            }
            return 1;
        }
        Logging.configure(config.logging(), verbose);
        Logger log = LoggerFactory.getLogger(GatewayCommand.class);
        boolean http = config.proxy().transport() == ClientTransport.HTTP;
        Gateway gateway;
        try {
            gateway = new Gateway(config, Version.current(), options.registry());
        } catch (ConfigException e) {
            // A critical plugin that cannot start (an audit file that cannot be opened): the same answer as a bad file.
            System.err.println("gatekit: cannot start\n" + e.getMessage());
            if (!http) {
                tellTheClient(e, mcpOut);
            }
            return 1;
        }
        AdminListener admin = startAdmin(gateway, log);
        // Set once the HTTP face serves; read by the shutdown hook and the config watcher, on their own threads.
        AtomicReference<@Nullable HttpFace> face = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            HttpFace serving = face.get();
            if (serving != null) {
                serving.close();
            }
            if (admin != null) {
                admin.close();
            }
            gateway.close();
            try {
                java.nio.file.Files.deleteIfExists(StatusFile.directory().resolve(ProcessHandle.current().pid() + ".json"));
            } catch (java.io.IOException ignored) {
                // best effort on the way out
            }
            done.countDown();
        }, "gatekit-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        gateway.start();
        StatusFile status = new StatusFile(gateway, Duration.ofSeconds(2));
        ConfigWatcher watcher = startWatcher(config, new LiveReload(gateway, config, verbose,
                () -> Optional.ofNullable(face.get()).map(f -> f.uri().toString()).orElse("stdio")), log);
        if (http) {
            try {
                face.set(new HttpFace(gateway, config.proxy().http().orElseThrow()).start());
            } catch (Exception e) {
                log.error("cannot serve HTTP on {}:{}: {}", config.proxy().http().orElseThrow().host(),
                        config.proxy().http().orElseThrow().port(), e.toString());
                Runtime.getRuntime().removeShutdownHook(hook);
                if (watcher != null) {
                    watcher.close();
                }
                status.close();
                if (admin != null) {
                    admin.close();
                }
                gateway.close();
                return 1;
            }
            URI uri = Objects.requireNonNull(face.get()).uri();
            System.err.println("gatekit: serving MCP on " + uri);
            log.info("gatekit {} serving on {} with {} upstream(s) from {}", Version.current(), uri,
                    config.proxy().enabledUpstreams().size(),
                    config.source().map(Object::toString).orElse("the embedded default"));
            done.await(); // the shutdown hook (a signal) stops the face, the gateway and its upstreams
            return 0;
        }
        // Unbuffered: the framer and the writer buffer themselves (an extra layer only adds copies and syscalls).
        StdioFace.connect(gateway, "stdio", new FileInputStream(FileDescriptor.in), mcpOut, done::countDown);
        log.info("gatekit {} serving on stdio with {} upstream(s) from {}", Version.current(),
                config.proxy().enabledUpstreams().size(),
                config.source().map(Object::toString).orElse("the embedded default"));
        done.await();
        log.info("client closed stdin: shutting down");
        if (watcher != null) {
            watcher.close();
        }
        status.close();
        if (admin != null) {
            admin.close();
        }
        gateway.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // a signal arrived meanwhile; the hook does the same work
        }
        return 0;
    }

    /**
     * A desktop client that launched the gateway shows only a bare disconnect when it exits, so its first request
     * (normally {@code initialize}) is answered with what is wrong with the config, if it comes soon; then the
     * gateway exits all the same.
     */
    private void tellTheClient(ConfigException failure, FileOutputStream mcpOut) throws InterruptedException {
        FailedStartFace.Outcome outcome = FailedStartFace.answerFirstRequest(new FileInputStream(FileDescriptor.in), mcpOut,
                InvalidConfigError.of(failure, Optional.ofNullable(options.config)), CLIENT_WAIT_ON_FAILED_START);
        System.err.println("gatekit: " + switch (outcome) {
            case ANSWERED -> "answered the client's first request with error " + ErrorCode.CONFIGURATION_INVALID.code();
            case INPUT_ENDED -> "stdin closed before a request came";
            case NO_REQUEST_IN_TIME -> "no request came within " + CLIENT_WAIT_ON_FAILED_START.toSeconds() + " s";
        });
    }

    /** The admin listener when {@code proxy.admin} is set; a port that cannot be bound is logged, not fatal. */
    private static @Nullable AdminListener startAdmin(Gateway gateway, Logger log) {
        var config = gateway.config().proxy().admin();
        if (config.isEmpty()) {
            return null;
        }
        try {
            return AdminListener.start(config.get(), gateway.observability());
        } catch (Exception e) {
            log.error("cannot serve the admin endpoints on {}:{}: {}", config.get().host(), config.get().port(), e.toString());
            return null;
        }
    }

    /** Hot reload when the config file asks for it ({@code proxy.hot_reload: enabled}, or {@code auto}). */
    private @Nullable ConfigWatcher startWatcher(GatewayConfig config, LiveReload reload, Logger log) {
        if (options.config == null || config.proxy().hotReload() == HotReload.DISABLED) {
            return null;
        }
        try {
            return new ConfigWatcher(options.config, file -> options.load(), reload);
        } catch (java.io.IOException e) {
            log.warn("hot reload unavailable: cannot watch {}: {}", options.config, e.toString());
            return null;
        }
    }
}
