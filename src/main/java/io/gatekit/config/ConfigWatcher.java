package io.gatekit.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a config file and hands each valid new version to a consumer (hot reload). Editors save in bursts
 * (truncate, write, rename), so changes are debounced; an invalid file is logged with every problem and the
 * running config stays in force. A new version that sets {@code hot_reload: disabled} is the last one applied.
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
    private static final long DEBOUNCE_MILLIS = 300;

    private final Path file;
    private final WatchService watcher;
    private final Thread thread;

    /**
     * @param load turns the file into a config (throwing {@link ConfigException} when it is invalid)
     * @param onChange receives each valid new config, on the watcher's thread
     */
    public ConfigWatcher(Path file, Function<Path, GatewayConfig> load, Consumer<GatewayConfig> onChange) throws IOException {
        this.file = file.toAbsolutePath().normalize();
        this.watcher = FileSystems.getDefault().newWatchService();
        Objects.requireNonNull(this.file.getParent(), "directory of " + this.file).register(watcher, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = Thread.ofPlatform().daemon().name("gatekit-config-watcher")
                .start(() -> watch(load, onChange));
    }

    private void watch(Function<Path, GatewayConfig> load, Consumer<GatewayConfig> onChange) {
        Path name = file.getFileName();
        try {
            while (true) {
                WatchKey key = watcher.take();
                boolean relevant = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    relevant |= name.equals(event.context());
                }
                key.reset();
                if (!relevant) {
                    continue;
                }
                Thread.sleep(DEBOUNCE_MILLIS);
                drain();
                if (!Files.exists(file)) {
                    log.warn("config file {} disappeared; keeping the running configuration", file);
                    continue;
                }
                try {
                    GatewayConfig next = load.apply(file);
                    log.info("config file {} changed: reloading", file);
                    onChange.accept(next);
                    if (next.proxy().hotReload() == HotReload.DISABLED) {
                        log.info("proxy.hot_reload is now disabled: no longer watching {} (a restart watches it again"
                                + " if it says so)", file);
                        return;
                    }
                } catch (ConfigException e) {
                    log.error("config file {} changed but is invalid; keeping the running configuration:\n{}", file, e.getMessage());
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    private void drain() {
        WatchKey pending;
        while ((pending = watcher.poll()) != null) {
            pending.pollEvents();
            pending.reset();
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        thread.interrupt();
    }
}
