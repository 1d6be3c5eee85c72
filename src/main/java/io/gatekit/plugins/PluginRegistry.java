package io.gatekit.plugins;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import io.gatekit.config.ConfigException;
import io.gatekit.config.ConfigProblem;
import io.gatekit.config.PluginCheck;
import io.gatekit.config.PluginEntry;
import io.gatekit.config.Suggestions;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The plugin handlers available to a gateway: Gatekit's built-ins and any third-party {@link PluginFactory} found
 * by {@link ServiceLoader} on the class path or in jars in a {@code plugins/} directory next to the config file. It
 * checks configured entries (handler, family, scope, options against the handler's JSON Schema with the framework
 * fields added) for the config loader, and is where a generation of plugins is made ({@link PluginBuilder}).
 *
 * <p>Concurrency: the factories are fixed once discovered; each handler's schema is compiled once, on first use, in a
 * concurrent map, and then shared by every check.
 */
public final class PluginRegistry implements PluginCheck {
    private static final Logger log = LoggerFactory.getLogger(PluginRegistry.class);
    /** The directory next to the config file where third-party plugin jars are looked for. */
    public static final String PLUGIN_DIRECTORY = "plugins";

    private final Map<String, PluginFactory> factories;
    /** Compiled on first use, then shared by every check. */
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private PluginRegistry(Collection<PluginFactory> found) {
        TreeMap<String, PluginFactory> byHandler = new TreeMap<>();
        for (PluginFactory factory : found) {
            PluginFactory earlier = byHandler.putIfAbsent(factory.handler(), factory);
            if (earlier != null && earlier.getClass() != factory.getClass()) {
                log.warn("plugin handler '{}' is provided twice ({} and {}); using the first", factory.handler(),
                        earlier.getClass().getName(), factory.getClass().getName());
            }
        }
        this.factories = Collections.unmodifiableSortedMap(byHandler); // sorted: listed in messages
    }

    /**
     * The handler's compiled options schema, compiled when an entry first names it: a config that uses no plugin (the
     * embedded default, for one) never pays for compiling them all at start-up.
     */
    private Schema schema(String handler, PluginFactory factory) {
        return schemas.computeIfAbsent(handler, h -> {
            Schema schema = Compiler.REGISTRY.getSchema(fullSchema(factory));
            schema.initializeValidators();
            return schema;
        });
    }

    /** The JSON Schema dialect, created on first use (class initialisation is lazy and thread-safe). */
    private static final class Compiler {
        static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    }

    /** The handlers on Gatekit's own class path (the built-ins, and any plugin jar put there). */
    public static PluginRegistry builtIn() {
        return of(PluginRegistry.class.getClassLoader());
    }

    /**
     * The handlers on the class path plus those in the jars of {@code <configDirectory>/plugins/}, when that
     * directory exists. A jar that cannot be read is reported as a configuration problem by the caller's load.
     */
    public static PluginRegistry discover(@Nullable Path configDirectory) {
        if (configDirectory == null) {
            return builtIn();
        }
        Path directory = configDirectory.resolve(PLUGIN_DIRECTORY);
        if (!Files.isDirectory(directory)) {
            return builtIn();
        }
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path jar : files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                jars.add(jar.toUri().toURL());
            }
        } catch (IOException e) {
            log.warn("cannot read plugin directory {}: {}", directory, e.toString());
            return builtIn();
        }
        if (jars.isEmpty()) {
            return builtIn();
        }
        log.info("loading plugin jars from {}: {}", directory, jars.size());
        // Lives as long as the process: the plugins' classes are used until it exits.
        URLClassLoader loader = new URLClassLoader("gatekit-plugins", jars.toArray(URL[]::new),
                PluginRegistry.class.getClassLoader());
        return of(loader);
    }

    /** The registry for {@code config}: with third-party jars next to its file, the built-ins alone for text. */
    public static PluginRegistry forConfig(io.gatekit.config.GatewayConfig config) {
        return config.source().isPresent() ? discover(config.baseDirectory()) : builtIn();
    }

    static PluginRegistry of(ClassLoader loader) {
        List<PluginFactory> found = new ArrayList<>();
        for (var iterator = ServiceLoader.load(PluginFactory.class, loader).iterator(); ; ) {
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                found.add(iterator.next());
            } catch (ServiceConfigurationError e) {
                log.error("a plugin could not be loaded and is not available: {}", e.getMessage());
            }
        }
        return new PluginRegistry(found);
    }

    /** For tests and embedding: exactly these factories. */
    public static PluginRegistry of(List<PluginFactory> factories) {
        return new PluginRegistry(factories);
    }

    public Collection<PluginFactory> factories() {
        return factories.values();
    }

    public @Nullable PluginFactory factory(String handler) {
        return factories.get(handler);
    }

    /** The handler's options schema with the framework fields, as entries are checked against it. */
    public static ObjectNode fullSchema(PluginFactory factory) {
        JsonNode given = factory.optionsSchema();
        ObjectNode schema = given.isObject() ? (ObjectNode) given.deepCopy() : JsonNodeFactory.instance.objectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("type", "object");
        if (!schema.has("description")) {
            schema.put("description", factory.description());
        }
        ObjectNode properties = schema.has("properties") && schema.get("properties").isObject()
                ? (ObjectNode) schema.get("properties") : schema.putObject("properties");
        properties.putObject("enabled").put("type", "boolean")
                .put("description", "false leaves this entry out (under an upstream, also the global entry of the same handler)");
        if (factory.kind() == PluginKind.AUDITING) {
            properties.putObject("priority").put("type", "integer")
                    .put("description", "accepted and ignored: auditing plugins run in the order configured");
        } else {
            properties.putObject("priority").put("type", "integer").put("minimum", PluginSettings.MIN_PRIORITY)
                    .put("maximum", PluginSettings.MAX_PRIORITY)
                    .put("description", "0-100, lower runs first (default " + factory.defaultPriority() + ")");
        }
        properties.putObject("critical").put("type", "boolean")
                .put("description", "true: a failure fails the message closed; false: logged and skipped (default "
                        + factory.defaultCritical() + ")");
        return schema;
    }

    @Override
    public List<Issue> check(PluginEntry entry) {
        PluginFactory factory = factories.get(entry.handler());
        if (factory == null) {
            return List.of(new Issue(List.of("handler"), false, "unknown plugin handler '" + entry.handler() + "'"
                    + Suggestions.hint(entry.handler(), factories.keySet()) + "; available: "
                    + (factories.isEmpty() ? "none" : String.join(", ", factories.keySet()))
                    + " (third-party plugin jars go in a '" + PLUGIN_DIRECTORY + "' directory next to the config file)"));
        }
        List<Issue> issues = new ArrayList<>();
        if (!factory.kind().configKey().equals(entry.kind())) {
            issues.add(new Issue(List.of("handler"), false, "'" + entry.handler() + "' is a " + factory.kind().configKey()
                    + " plugin: list it under plugins." + factory.kind().configKey() + ", not plugins." + entry.kind()));
        }
        if (factory.upstreamOnly() && entry.scope().equals("_global")) {
            issues.add(new Issue(List.of("handler"), false, "'" + entry.handler() + "' configures one upstream at a"
                    + " time: list it under plugins." + entry.kind() + ".<upstream name>, not _global"));
        }
        for (Error error : schema(entry.handler(), factory).validate(entry.config())) {
            issues.add(issueOf(error, factory));
        }
        return issues;
    }

    private Issue issueOf(Error error, PluginFactory factory) {
        List<Object> path = new ArrayList<>();
        path.add("config");
        NodePath at = error.getInstanceLocation();
        for (int i = 0; i < at.getNameCount(); i++) {
            path.add(at.getElement(i));
        }
        String keyword = String.valueOf(error.getKeyword());
        if (keyword.equals("additionalProperties")) {
            String property = error.getProperty();
            path.add(property);
            JsonNode known = knownOptions(factory, path.subList(1, path.size() - 1));
            List<String> names = new ArrayList<>(known.propertyNames());
            return new Issue(path, true, "unknown option '" + property + "' for " + factory.handler()
                    + Suggestions.hint(property, names) + (names.isEmpty() ? "" : "; valid options here: "
                    + String.join(", ", names)));
        }
        if (keyword.equals("required")) {
            path.add(error.getProperty());
            return new Issue(path, true, "missing required option '" + error.getProperty() + "' for " + factory.handler());
        }
        return new Issue(path, false, error.getMessage().replaceFirst("^/?[^:]*: ", "") + " (" + factory.handler() + ")");
    }

    /** The {@code properties} the schema declares at {@code path} under the config object. */
    private static JsonNode knownOptions(PluginFactory factory, List<Object> path) {
        JsonNode schema = fullSchema(factory);
        for (Object segment : path) {
            schema = segment instanceof Integer ? schema.path("items") : schema.path("properties").path(String.valueOf(segment));
        }
        return schema.path("properties");
    }

    /** Throws when any entry of {@code entries} has an issue: for configs that were loaded without the check. */
    void verify(List<PluginEntry> entries) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (PluginEntry entry : entries) {
            for (Issue issue : check(entry)) {
                problems.add(new ConfigProblem(entry.location(), issue.message()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    @Override
    public String toString() {
        return "plugins " + factories.keySet();
    }

}
