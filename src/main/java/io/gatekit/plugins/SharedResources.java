package io.gatekit.plugins;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Resources that several plugin instances may use at once and that must exist once: above all an audit file,
 * which two entries (a global one and an upstream's override, or the same handler across a reload) may name.
 * Leased by key and reference-counted: the resource is made by the first lease and closed when the last lease is.
 * One per gateway, handed to plugins through {@link PluginSetup}.
 */
public final class SharedResources {
    private final Object lock = new Object();

    @GuardedBy("lock")
    private final Map<Object, Entry> entries = new HashMap<>();

    private static final class Entry {
        final AutoCloseable resource;
        int leases;

        Entry(AutoCloseable resource) {
            this.resource = resource;
        }
    }

    /** A use of a shared resource; closing it gives the use up. */
    public interface Lease<T extends AutoCloseable> extends AutoCloseable {
        T resource();

        @Override
        void close();
    }

    /** Leases the resource under {@code key}, making it with {@code factory} when nobody holds it. */
    public <T extends AutoCloseable> Lease<T> lease(Object key, Class<T> type, Supplier<T> factory) {
        T resource;
        synchronized (lock) {
            Entry entry = entries.get(key);
            if (entry == null) {
                entry = new Entry(factory.get());
                entries.put(key, entry);
            }
            entry.leases++;
            resource = type.cast(entry.resource);
        }
        return new Lease<>() {
            private boolean closed;

            @Override
            public T resource() {
                return resource;
            }

            @Override
            public void close() {
                AutoCloseable last = null;
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    Entry entry = entries.get(key);
                    if (entry != null && --entry.leases == 0) {
                        entries.remove(key);
                        last = entry.resource;
                    }
                }
                if (last != null) {
                    closeQuietly(last);
                }
            }
        };
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(SharedResources.class).warn("closing {} failed", resource, e);
        }
    }
}
