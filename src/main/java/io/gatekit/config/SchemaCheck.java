package io.gatekit.config;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Structural validation against {@code gatekit.schema.json}, with the validator's errors turned into
 * {@link ConfigProblem}s placed on the offending key or value and worded for someone editing YAML.
 */
final class SchemaCheck {

    static final String RESOURCE = "gatekit.schema.json";
    private static final Set<String> TOP_LEVEL_SECTIONS = Set.of("plugins", "logging");
    private static final Set<String> YAML_1_1_BOOLEANS = Set.of("yes", "no", "on", "off", "y", "n");

    private SchemaCheck() {}

    /** Loaded once: parsing and compiling the schema costs far more than validating a config file. */
    private static final class Holder {
        static final JsonNode DOCUMENT = readSchema();
        static final Schema SCHEMA = compile();

        private static Schema compile() {
            Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                            builder -> builder.schemaRegistryConfig(
                                    SchemaRegistryConfig.builder().errorMessageKeyword("errorMessage").build()))
                    .getSchema(DOCUMENT);
            // Resolve every $ref now, once, instead of lazily during the first (possibly concurrent) validations.
            schema.initializeValidators();
            return schema;
        }
    }

    static JsonNode document() {
        return Holder.DOCUMENT;
    }

    static void validate(JsonNode root, Problems problems) {
        for (Error error : Holder.SCHEMA.validate(root)) {
            report(error, problems);
        }
    }

    private static void report(Error error, Problems problems) {
        FieldPath at = toFieldPath(error.getInstanceLocation());
        String property = error.getProperty();
        if (error.isCustomMessage()) {
            problems.at(at, error.getMessage());
            return;
        }
        switch (String.valueOf(error.getKeyword())) {
            case "additionalProperties" -> problems.atKey(at.child(property), unknownKey(at, property, error),
                    misplacedSection(at, property) ? Optional.empty() : Suggestions.closest(property, knownKeys(error)));
            case "required" -> problems.atKey(at.child(property), "missing required key '" + property + "'");
            case "type" -> problems.at(at, wrongType(at, error));
            case "enum" -> problems.at(at, "must be one of " + enumValues(error) + ", got "
                    + error.getInstanceNode());
            default -> problems.at(at, error.getMessage());
        }
    }

    private static String wrongType(FieldPath at, Error error) {
        String expected = argument(error, 1).replaceAll("[\\[\\]]", "").replace(", ", " or ");
        String found = argument(error, 0);
        if (at.isRoot()) {
            return "a configuration is a mapping with a top-level 'proxy' key, not " + found;
        }
        JsonNode value = error.getInstanceNode();
        if (expected.equals("boolean") && value != null && value.isString()
                && YAML_1_1_BOOLEANS.contains(value.stringValue().toLowerCase(Locale.ROOT))) {
            // PyYAML reads yes/no/on/off as booleans (YAML 1.1); YAML 1.2 parsers, this one included, do not.
            return "wrong type: expected boolean, got string '" + value.stringValue() + "'; write true or false";
        }
        return "wrong type: expected " + expected + ", got " + found;
    }

    private static String unknownKey(FieldPath at, String property, Error error) {
        if (misplacedSection(at, property)) {
            return "'" + property + "' belongs at the top level, not under 'proxy': move it out of the proxy section";
        }
        List<String> known = knownKeys(error);
        String suggestion = Suggestions.hint(property, known);
        if (suggestion.isEmpty() && isPluginEntry(at)) {
            return "unknown key '" + property + "'; a plugin entry has only 'handler' and 'config', and options such"
                    + " as '" + property + "' go inside 'config'";
        }
        return "unknown key '" + property + "'" + suggestion;
    }

    private static boolean misplacedSection(FieldPath at, String property) {
        return at.equals(FieldPath.of("proxy")) && TOP_LEVEL_SECTIONS.contains(property);
    }

    /** The {@code properties} next to the {@code additionalProperties} that rejected the key. */
    private static List<String> knownKeys(Error error) {
        String fragment = error.getSchemaLocation().getFragment().toString();
        JsonNode schema = Holder.DOCUMENT.at(JsonPointer.compile(fragment).head());
        return new ArrayList<>(schema.path("properties").propertyNames());
    }

    private static boolean isPluginEntry(FieldPath at) {
        return at.depth() == 4 && "plugins".equals(at.name(0)) && at.segments().get(3) instanceof Integer;
    }

    private static String argument(Error error, int index) {
        Object[] arguments = error.getArguments();
        return arguments != null && arguments.length > index ? String.valueOf(arguments[index]) : "?";
    }

    private static String enumValues(Error error) {
        JsonNode values = error.getSchemaNode();
        if (values == null || !values.isArray()) {
            return argument(error, 0);
        }
        List<String> names = new ArrayList<>();
        values.forEach(value -> names.add(value.asString()));
        return String.join(", ", names);
    }

    private static FieldPath toFieldPath(NodePath path) {
        FieldPath at = FieldPath.ROOT;
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            at = element instanceof Integer index ? at.index(index) : at.child(String.valueOf(element));
        }
        return at;
    }

    private static JsonNode readSchema() {
        try (InputStream in = SchemaCheck.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("config schema resource " + RESOURCE + " is missing from the build");
            }
            return JsonMapper.shared().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
