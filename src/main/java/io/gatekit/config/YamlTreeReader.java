package io.gatekit.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * Builds the config tree from Jackson's YAML token stream in one pass, recording every node's position in the
 * {@link SourceMap} and expanding variables in string scalars as they go by. Building the tree by hand, rather
 * than with {@code readTree}, is what makes three things possible: positions, aliases (Jackson reports
 * {@code *name} as a plain string; Python Gatekit files use anchors, including {@code <<} merges) and
 * duplicate-key errors (which {@code readTree} resolves silently, last one wins).
 */
final class YamlTreeReader {

    /** A parser factory, not a mapper: the tree is built here, and building a mapper costs a cold start ~50 ms. */
    private static final YAMLFactory YAML = YAMLFactory.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String MERGE_KEY = "<<";
    /** Caps alias expansion, which would otherwise let a few lines of YAML ("billion laughs") build a huge tree. */
    static final int MAX_NODES = 100_000;

    private final String[] lines;
    private final Map<String, String> variables;
    private final Problems problems;
    private final SourceMap map;
    private final Map<String, JsonNode> anchors = new HashMap<>();
    private int nodeCount;

    private YamlTreeReader(String text, Map<String, String> variables, Problems problems) {
        this.lines = text.split("\r\n|\r|\n", -1);
        this.variables = variables;
        this.problems = problems;
        this.map = problems.map();
    }

    /**
     * Returns the document's root, or null when there is none: the text is empty or comments only, or it is not
     * valid YAML (then a problem has been recorded).
     */
    static @Nullable JsonNode read(String text, Map<String, String> variables, Problems problems) {
        return new YamlTreeReader(text, variables, problems).readDocument(text);
    }

    private @Nullable JsonNode readDocument(String text) {
        try (JsonParser parser = YAML.createParser(ObjectReadContext.empty(), text)) {
            if (parser.nextToken() == null) {
                return null;
            }
            JsonNode root = readValue(parser, FieldPath.ROOT, 0, 0);
            if (parser.nextToken() != null) {
                TokenStreamLocation at = parser.currentTokenLocation();
                problems.atPosition(at.getLineNr(), at.getColumnNr(),
                        "a config file holds one YAML document; remove the '---' and everything after it");
            }
            return root;
        } catch (JacksonException e) {
            syntaxError(e);
            return null;
        } catch (TooLarge e) {
            problems.atPosition(1, 1, "the configuration expands to more than " + MAX_NODES
                    + " values; check for aliases that repeat large anchors");
            return null;
        }
    }

    /** Reads the value at the current token; {@code keyLine} is 0 for list items, which have no key. */
    private JsonNode readValue(JsonParser parser, FieldPath path, int keyLine, int keyColumn) {
        TokenStreamLocation at = parser.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        map.record(path, keyLine == 0 ? line : keyLine, keyLine == 0 ? column : keyColumn, line, column);
        count(1);
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            Object anchor = parser.getObjectId();
            JsonNode node = token == JsonToken.START_OBJECT ? readObject(parser, path) : readArray(parser, path);
            if (anchor != null) {
                anchors.put(anchor.toString(), node);
            }
            return node;
        }
        if (token == JsonToken.VALUE_STRING && ((YAMLParser) parser).isCurrentAlias()) {
            return alias(parser.getString(), path);
        }
        ScalarSource source = ScalarSource.at(lines, line, column);
        JsonNode node = scalar(parser, token, path, source);
        if (source.anchor() != null) {
            anchors.put(source.anchor(), node);
        }
        return node;
    }

    private ObjectNode readObject(JsonParser parser, FieldPath path) {
        ObjectNode object = NODES.objectNode();
        Map<String, Integer> firstLines = new HashMap<>();
        List<JsonNode> merges = new ArrayList<>();
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String key = parser.currentName();
            TokenStreamLocation keyAt = parser.currentTokenLocation();
            parser.nextToken();
            FieldPath child = path.child(key);
            JsonNode value = readValue(parser, child, keyAt.getLineNr(), keyAt.getColumnNr());
            if (key.equals(MERGE_KEY)) {
                merges.add(value);
                continue;
            }
            Integer firstLine = firstLines.putIfAbsent(key, keyAt.getLineNr());
            if (firstLine != null) {
                problems.atKey(child, "duplicate key '" + key + "' (first defined on line " + firstLine + ")");
            }
            object.set(key, value);
        }
        for (JsonNode merge : merges) {
            merge(object, merge, path);
        }
        return object;
    }

    private ArrayNode readArray(JsonParser parser, FieldPath path) {
        ArrayNode array = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            array.add(readValue(parser, path.index(array.size()), 0, 0));
        }
        return array;
    }

    /** YAML 1.1 merge keys, which Python's loader honours: keys already in {@code target} win. */
    private void merge(ObjectNode target, JsonNode merge, FieldPath path) {
        FieldPath mergePath = path.child(MERGE_KEY);
        List<JsonNode> sources = new ArrayList<>();
        if (merge.isArray()) {
            merge.forEach(sources::add);
        } else {
            sources.add(merge);
        }
        for (JsonNode source : sources) {
            if (!source.isObject()) {
                problems.at(mergePath, "'<<' merges mappings: give it an alias of a mapping, or a list of them");
                return;
            }
            for (Map.Entry<String, JsonNode> entry : source.properties()) {
                if (!target.has(entry.getKey())) {
                    target.set(entry.getKey(), entry.getValue());
                    map.recordLike(path.child(entry.getKey()), mergePath);
                }
            }
        }
    }

    private JsonNode alias(String name, FieldPath path) {
        JsonNode target = anchors.get(name);
        if (target == null) {
            problems.at(path, "alias '*" + name + "' has no anchor '&" + name + "' before it");
            problems.settle(path);
            return NODES.nullNode();
        }
        count(size(target));
        return target.deepCopy();
    }

    private JsonNode scalar(JsonParser parser, JsonToken token, FieldPath path, ScalarSource source) {
        return switch (token) {
            case VALUE_STRING -> string(parser.getString(), ((YAMLParser) parser).getRawTag(), path, source);
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> {
                problems.at(path, "unsupported YAML value (" + token + "); use a string, number, boolean or null");
                yield NODES.nullNode();
            }
        };
    }

    private JsonNode string(String raw, String tag, FieldPath path, ScalarSource source) {
        if (raw.equals("~") && source.plain() && tag == null) {
            // YAML's shorthand for null, which Jackson's parser leaves as text.
            return NODES.nullNode();
        }
        Interpolator.Result result = Interpolator.expand(raw, variables);
        if (!result.errors().isEmpty()) {
            result.errors().forEach(error -> problems.at(path, error));
            problems.settle(path);
            return NODES.stringNode(raw);
        }
        if (result.substituted() && source.plain() && tag == null) {
            return PlainScalars.resolve(result.value());
        }
        return NODES.stringNode(result.value());
    }

    private void syntaxError(JacksonException e) {
        if (e.getCause() instanceof MarkedYamlEngineException marked && marked.getProblemMark().isPresent()) {
            Mark mark = marked.getProblemMark().get();
            String context = marked.getContext() == null ? "" : " (" + marked.getContext().strip()
                    + marked.getContextMark().map(m -> " that starts on line " + (m.getLine() + 1)).orElse("") + ")";
            problems.atPosition(mark.getLine() + 1, mark.getColumn() + 1,
                    "YAML syntax error: " + marked.getProblem().strip() + context + hint(marked.getProblem()));
        } else {
            TokenStreamLocation at = e.getLocation();
            int line = at == null ? 1 : Math.max(1, at.getLineNr());
            int column = at == null ? 1 : Math.max(1, at.getColumnNr());
            problems.atPosition(line, column, "YAML syntax error: " + e.getOriginalMessage());
        }
    }

    private static String hint(String problem) {
        if (problem.contains("mapping values are not allowed")) {
            return "; quote values that contain ': ', and check the indentation";
        }
        if (problem.contains("expected <block end>")) {
            return "; check the indentation of this line against the lines above";
        }
        return "";
    }

    private void count(int nodes) {
        nodeCount += nodes;
        if (nodeCount > MAX_NODES) {
            throw new TooLarge();
        }
    }

    private static int size(JsonNode node) {
        int size = 1;
        for (JsonNode child : node) {
            size += size(child);
        }
        return size;
    }

    /** Unwinds the recursive descent once the node budget is spent. */
    private static final class TooLarge extends RuntimeException {
        TooLarge() {
            super(null, null, false, false);
        }
    }
}
