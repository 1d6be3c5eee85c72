package io.gatekit.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Reads Gatekit YAML into a {@link GatewayConfig}. The pipeline: parse YAML into a tree while recording where
 * each value sits and expanding {@code ${VAR}} / {@code ${VAR:-default}} in string scalars; normalise Python
 * Gatekit shorthands; validate the structure against {@code gatekit.schema.json}; bind to records with the
 * cross-field checks. Every stage reports into one list, so a {@link ConfigException} lists every problem with
 * its file, line, column and field. Thread-safe; each call is independent.
 */
public final class ConfigLoader {

    /** Classpath name of the embedded default configuration. */
    public static final String DEFAULT_RESOURCE = "/io/gatekit/config/default.yaml";

    private ConfigLoader() {}

    /**
     * Loads {@code file}; relative paths inside it resolve against its directory.
     *
     * @param variables values for {@code ${VAR}} references, typically the process environment
     * @throws ConfigException when the file cannot be read or is not a valid configuration
     */
    public static GatewayConfig load(Path file, Map<String, String> variables) throws ConfigException {
        return load(file, variables, PluginCheck.NONE);
    }

    /** {@link #load(Path, Map)}, with every plugin entry checked by {@code plugins} and its problems reported too. */
    public static GatewayConfig load(Path file, Map<String, String> variables, PluginCheck plugins) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw unreadable(file, "configuration file not found");
        } catch (CharacterCodingException e) {
            throw unreadable(file, "configuration file is not UTF-8 text");
        } catch (IOException e) {
            throw unreadable(file, "cannot read configuration file: " + e);
        }
        Path absolute = file.toAbsolutePath().normalize();
        // A file that was just read is not the root, so it has a parent directory.
        Path dir = Objects.requireNonNull(absolute.getParent(), "directory of " + absolute);
        return parse(text, file.toString(), dir, variables, Optional.of(absolute), plugins, true);
    }

    /**
     * Loads the embedded default configuration ({@value #DEFAULT_RESOURCE}); relative paths resolve against
     * the current directory.
     *
     * @param variables must define {@code GATEKIT_JAVA} and {@code GATEKIT_CLASSPATH}, which launch the demo server
     * @throws ConfigException when a variable the default needs is missing
     */
    public static GatewayConfig loadDefault(Map<String, String> variables) {
        return loadDefault(variables, PluginCheck.NONE);
    }

    /**
     * {@link #loadDefault(Map)}, with plugin entries checked by {@code plugins}. The embedded default skips the JSON
     * Schema pass: its structure is fixed at build time (only {@code ${...}} string values vary) and checked against
     * the schema by {@code ConfigLoaderTest}, and compiling the schema is the largest part of loading a config, on the
     * path of every cold start with the default (ADR 0019). Everything else (variables, bindings, cross-field checks)
     * runs as for a file.
     */
    public static GatewayConfig loadDefault(Map<String, String> variables, PluginCheck plugins) {
        return parse(defaultText(), "classpath:" + DEFAULT_RESOURCE, Path.of("").toAbsolutePath(), variables,
                Optional.empty(), plugins, false);
    }

    /** The embedded default configuration's text. */
    static String defaultText() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    /**
     * Parses configuration text.
     *
     * @param sourceName names the text in problem locations, usually its file name
     * @param baseDir directory that relative paths in the text resolve against
     * @param variables values for {@code ${VAR}} references
     * @throws ConfigException listing every problem found
     */
    public static GatewayConfig parse(String yaml, String sourceName, Path baseDir, Map<String, String> variables)
            throws ConfigException {
        return parse(yaml, sourceName, baseDir, variables, Optional.empty(), PluginCheck.NONE, true);
    }

    /** {@link #parse(String, String, Path, Map)}, with plugin entries checked by {@code plugins}. */
    public static GatewayConfig parse(String yaml, String sourceName, Path baseDir, Map<String, String> variables,
            PluginCheck plugins) throws ConfigException {
        return parse(yaml, sourceName, baseDir, variables, Optional.empty(), plugins, true);
    }

    private static GatewayConfig parse(String yaml, String sourceName, Path baseDir, Map<String, String> variables,
            Optional<Path> source, PluginCheck plugins, boolean checkStructure) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(baseDir, "baseDir");
        Objects.requireNonNull(variables, "variables");
        Problems problems = new Problems(new SourceMap(Objects.requireNonNull(sourceName, "sourceName")));
        String text = withoutByteOrderMark(yaml);
        JsonNode root = YamlTreeReader.read(text, variables, problems);
        if (root == null) {
            if (problems.isEmpty()) {
                problems.atPosition(1, 1, "configuration file is empty; it needs at least a 'proxy' section");
            }
            throw problems.toException();
        }
        Normalizer.normalize(root, problems);
        if (checkStructure) {
            SchemaCheck.validate(root, problems);
        }
        GatewayConfig config = new ConfigBinder(problems, baseDir, plugins).bind(root, source);
        if (config == null || !problems.isEmpty()) {
            throw problems.toException();
        }
        return config;
    }

    /** A copy of the configuration's JSON Schema (structure only; plugin options are the plugin layer's). */
    public static JsonNode schema() {
        return SchemaCheck.document().deepCopy();
    }

    /**
     * The client transport a configuration file names, read as leniently as possible: for a file that failed to
     * load, so that the gateway knows whether a client waits on its stdin to be told why. Empty when the file cannot
     * be read or parsed, or names no valid transport (the caller then assumes stdio, the default).
     */
    public static Optional<ClientTransport> declaredTransport(Path file, Map<String, String> variables) {
        try {
            String text = withoutByteOrderMark(Files.readString(file, StandardCharsets.UTF_8));
            JsonNode root = YamlTreeReader.read(text, variables, new Problems(new SourceMap(file.toString())));
            JsonNode transport = root == null ? null : root.path("proxy").path("transport");
            return transport != null && transport.isString()
                    ? ConfigChoice.parse(ClientTransport.class, transport.stringValue()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Editors on Windows like to start UTF-8 files with a byte order mark; it is not content. */
    private static String withoutByteOrderMark(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static ConfigException unreadable(Path file, String message) {
        return ConfigException.of(new SourceLocation(file.toString(), 0, 0, ""), message);
    }
}
