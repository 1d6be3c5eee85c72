package io.gatekit.plugins;

import io.gatekit.config.ConfigException;
import io.gatekit.config.ConfigProblem;
import io.gatekit.config.PluginEntry;
import io.gatekit.config.PluginsConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one generation of plugins ({@link Pipelines}) from the {@code plugins:} section, with the original's
 * scoping: a scope's list is the global entries with the upstream's own entries replacing those of the same
 * handler (an upstream entry with {@code enabled: false} takes the global one away for that upstream); disabled
 * entries are left out; security and middleware are merged and sorted by priority (stable, so config order breaks
 * ties); auditing plugins keep config order. Each entry becomes one instance shared by every scope that uses it;
 * an entry unchanged since the previous generation keeps its instance.
 */
final class PluginBuilder {
    private static final Logger log = LoggerFactory.getLogger(PluginBuilder.class);
    private static final String GLOBAL = "_global";

    private final PluginRegistry registry;
    private final Path baseDirectory;
    private final SharedResources shared;
    private final Pipelines previous;
    private final Map<PluginEntry, InstalledPlugin> made = new LinkedHashMap<>();
    private final List<ConfigProblem> problems = new ArrayList<>();

    PluginBuilder(PluginRegistry registry, Path baseDirectory, SharedResources shared, Pipelines previous) {
        this.registry = registry;
        this.baseDirectory = baseDirectory;
        this.shared = shared;
        this.previous = previous;
    }

    /** The next generation; throws, closing whatever it made, when an entry is invalid or a critical one fails. */
    Pipelines build(PluginsConfig config) {
        List<PluginEntry> all = new ArrayList<>();
        config.byKind().values().forEach(scopes -> scopes.values().forEach(all::addAll));
        registry.verify(all);
        Set<String> scopes = new TreeSet<>();
        config.byKind().values().forEach(byScope -> scopes.addAll(byScope.keySet()));
        scopes.remove(GLOBAL);
        Pipeline global = pipeline(config, null);
        Map<String, Pipeline> byUpstream = new LinkedHashMap<>();
        for (String upstream : scopes) {
            byUpstream.put(upstream, pipeline(config, upstream));
        }
        if (!problems.isEmpty()) {
            Set<Plugin> kept = new HashSet<>();
            previous.installed().forEach(p -> kept.add(p.plugin()));
            made.values().stream().map(InstalledPlugin::plugin).filter(p -> !kept.contains(p)).forEach(Plugin::close);
            throw new ConfigException(problems);
        }
        List<InstalledPlugin> installed = new ArrayList<>(made.values());
        return new Pipelines(global, byUpstream, installed);
    }

    private Pipeline pipeline(PluginsConfig config, @Nullable String upstream) {
        List<InstalledPlugin> filters = new ArrayList<>();
        filters.addAll(resolve(config, PluginKind.SECURITY, upstream));
        filters.addAll(resolve(config, PluginKind.MIDDLEWARE, upstream));
        filters.sort(Comparator.comparingInt(p -> p.settings().priority()));
        return new Pipeline(filters, resolve(config, PluginKind.AUDITING, upstream));
    }

    /** The entries of one kind for a scope, made into plugins, disabled ones left out. */
    private List<InstalledPlugin> resolve(PluginsConfig config, PluginKind kind, @Nullable String upstream) {
        List<PluginEntry> entries = new ArrayList<>(config.entries(kind.configKey(), GLOBAL));
        if (upstream != null) {
            for (PluginEntry own : config.entries(kind.configKey(), upstream)) {
                int replaced = indexOfHandler(entries, own.handler());
                if (replaced >= 0) {
                    entries.set(replaced, own);
                } else {
                    entries.add(own);
                }
            }
        }
        List<InstalledPlugin> plugins = new ArrayList<>();
        for (PluginEntry entry : entries) {
            InstalledPlugin plugin = make(entry);
            if (plugin != null) {
                plugins.add(plugin);
            }
        }
        return plugins;
    }

    private static int indexOfHandler(List<PluginEntry> entries, String handler) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).handler().equals(handler)) {
                return i;
            }
        }
        return -1;
    }

    private @Nullable InstalledPlugin make(PluginEntry entry) {
        if (made.containsKey(entry)) {
            return made.get(entry);
        }
        PluginFactory factory = registry.factory(entry.handler());
        if (factory == null) {
            return null; // reported by verify
        }
        PluginSettings settings = PluginSettings.of(entry.config(), factory);
        if (!settings.enabled()) {
            return null;
        }
        if (factory.kind() == PluginKind.AUDITING && entry.config().has("priority")) {
            log.warn("{}: priority is ignored for auditing plugins; they run in the order configured", entry.location());
        }
        String scope = entry.scope().equals(GLOBAL) ? null : entry.scope();
        for (InstalledPlugin old : previous.installed()) {
            if (old.sameEntry(entry.handler(), entry.config()) && sameScope(old, scope)) {
                made.put(entry, old);
                return old;
            }
        }
        try {
            Plugin plugin = factory.create(new PluginSetup(entry.config(), scope, baseDirectory, settings, shared));
            InstalledPlugin installed = new InstalledPlugin(entry.handler(), factory.kind(), settings, entry.config(),
                    plugin, scope);
            made.put(entry, installed);
            return installed;
        } catch (RuntimeException e) {
            String why = e instanceof IllegalArgumentException ? e.getMessage() : e.toString();
            if (settings.critical()) {
                problems.add(new ConfigProblem(entry.location(), "plugin '" + entry.handler() + "' cannot start: " + why));
            } else {
                log.warn("{}: plugin '{}' cannot start and is left out (not critical): {}", entry.location(),
                        entry.handler(), why);
            }
            return null;
        }
    }

    private static boolean sameScope(InstalledPlugin old, @Nullable String scope) {
        return old.scope() == null ? scope == null : old.scope().equals(scope);
    }
}
