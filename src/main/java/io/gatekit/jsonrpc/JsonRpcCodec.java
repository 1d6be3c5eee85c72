package io.gatekit.jsonrpc;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns one framed JSON text into a {@link JsonRpcMessage} and back. Stateless and thread-safe: one instance
 * serves every connection. Decoding never throws on bad input; it returns {@link Decoded.Invalid} with the
 * JSON-RPC error a peer should see.
 */
public final class JsonRpcCodec {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonMapper mapper;
    /** Reads a text refused for a repeated key, last value winning, only to find its id and kind for the error. */
    private final ObjectReader lastKeyWins;
    private final boolean rawResults;
    private boolean rawArguments;

    public JsonRpcCodec(int maxMessageBytes) {
        this(maxMessageBytes, false, true);
    }

    public JsonRpcCodec(int maxMessageBytes, boolean rawResults) {
        this(maxMessageBytes, rawResults, true);
    }

    /**
     * @param rawResults keep the {@code result} of well-formed responses as raw bytes ({@link RawJson}) instead
     *     of a tree: for the upstream side, where results are passed on to clients untouched
     * @param platformThreads most encoding happens on a few long-lived platform threads (the gateway's
     *     readers), so buffers are recycled per thread; false for code that encodes on virtual threads,
     *     where a per-thread buffer would be allocated anew for every message
     */
    public JsonRpcCodec(int maxMessageBytes, boolean rawResults, boolean platformThreads) {
        this.rawResults = rawResults;
        // The frame limit is enforced by the framer; these bounds stop a small but hostile text
        // (deep nesting, huge numbers) from costing more than its size suggests.
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(512)
                .maxStringLength(Math.max(maxMessageBytes, 1024))
                .maxNumberLength(1000)
                .build();
        // Thread-local buffer recycling: the hot path runs on a few long-lived reader threads, and the default
        // shared pool's deque showed up at 5-8% in profiles.
        this.mapper = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints)
                .recyclerPool(platformThreads ? tools.jackson.core.util.JsonRecyclerPools.threadLocalPool()
                        : tools.jackson.core.util.JsonRecyclerPools.newConcurrentDequePool()).build())
                // A repeated key would let two readers of one message see different values (ADR 0014). Trees
                // detect it for free (the map's put returns the value it replaced); raw values are checked as read.
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .build();
        this.lastKeyWins = mapper.reader().without(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    }

    public JsonRpcCodec() {
        this(16 * 1024 * 1024);
    }

    /**
     * The codec for the gateway's client side: {@code tools/call} arguments are kept as raw bytes
     * ({@link RawJson}), since the gateway routes on the name and passes the arguments on untouched.
     */
    public static JsonRpcCodec forClients(int maxMessageBytes) {
        JsonRpcCodec codec = new JsonRpcCodec(maxMessageBytes, false, true);
        codec.rawArguments = true;
        return codec;
    }

    /** A codec for code that encodes on virtual threads (the demo server answers each request on one). */
    public static JsonRpcCodec forVirtualThreads(int maxMessageBytes) {
        return new JsonRpcCodec(maxMessageBytes, false, false);
    }

    /** The mapper used for every tree this codec makes; callers building params use it too. */
    public JsonMapper mapper() {
        return mapper;
    }

    public Decoded decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    public Decoded decode(byte[] bytes, int offset, int length) {
        if (rawResults || rawArguments) {
            // The common shapes straight from the bytes; then the streaming parser for the rest of the envelope
            // cases (with _meta, say); then the full parser, which also makes the precise errors.
            Decoded scanned = EnvelopeScanner.scan(bytes, offset, length, rawResults, rawArguments);
            if (scanned != null) {
                return scanned;
            }
            Decoded fast = decodeEnvelope(bytes, offset, length);
            if (fast != null) {
                return fast;
            }
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(bytes, offset, length);
        } catch (JacksonException e) {
            DuplicateKey duplicate = DuplicateKey.first(mapper, bytes, offset, length);
            if (duplicate != null) {
                return duplicateKey(duplicate, lastKeyWins.readTree(bytes, offset, length));
            }
            return invalid(null, ErrorCode.PARSE_ERROR, "Parse error: " + firstLine(e.getOriginalMessage()));
        }
        return interpret(tree);
    }

    /**
     * The answer to a well-formed message that repeats a key: -32600, with the id when the envelope has exactly one
     * readable id, so a request's error is correlated and a response still settles the call that waits for it. A
     * response is not answerable (no error ping-pong); its id tells the receiver which call to fail.
     */
    private static Decoded duplicateKey(DuplicateKey duplicate, JsonNode lastWins) {
        boolean idRepeated = duplicate.pointer().equals("/id");
        JsonNode id = lastWins.get("id");
        JsonNode readableId = !idRepeated && JsonRpcIds.isValid(id) ? id : null;
        boolean response = lastWins.isObject() && !lastWins.has("method")
                && (lastWins.has("result") || lastWins.has("error"));
        String message = (response ? "Invalid response: " : "Invalid Request: ") + duplicate.describe()
                + " (a key may appear only once per object)";
        return new Decoded.Invalid(readableId, JsonRpcError.of(ErrorCode.INVALID_REQUEST, message), !response);
    }

    /**
     * The fast path for the two messages that dominate traffic: a success response (its {@code result} kept as
     * raw bytes, with {@code rawResults}) and a {@code tools/call} request (its {@code arguments} kept raw, with
     * {@code rawArguments}). Only the envelope is read, with the streaming parser. Null for anything else
     * (other methods, errors, anything unusual, a key that repeats: ADR 0014), which then takes the full path with
     * its precise errors. Repeats are looked for here without the parser's own detection, which would cost a set
     * per object: the envelope's and params' members by hand, trees by the tree reader, raw values by the scanner.
     */
    private @Nullable Decoded decodeEnvelope(byte[] bytes, int offset, int length) {
        try (JsonParser parser = mapper.createParser(bytes, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonNode id = null;
            JsonNode result = null;
            String method = null;
            ObjectNode params = null;
            boolean version = false;
            boolean versionSeen = false;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String member = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (member) {
                    case "jsonrpc" -> {
                        if (versionSeen) {
                            return null;
                        }
                        versionSeen = true;
                        version = value == JsonToken.VALUE_STRING && "2.0".equals(parser.getString());
                    }
                    case "id" -> {
                        if (id != null) {
                            return null;
                        } else if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT) {
                            id = NODES.numberNode(parser.getIntValue());
                        } else if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.LONG) {
                            id = NODES.numberNode(parser.getLongValue());
                        } else if (value == JsonToken.VALUE_STRING) {
                            id = NODES.stringNode(parser.getString());
                        } else {
                            return null;
                        }
                    }
                    case "method" -> {
                        if (method != null || value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        method = parser.getString();
                    }
                    case "result" -> {
                        if (!rawResults || result != null) {
                            return null;
                        }
                        result = raw(parser, bytes, offset);
                        if (result == null) {
                            return null;
                        }
                    }
                    case "params" -> {
                        if (!rawArguments || params != null || value != JsonToken.START_OBJECT) {
                            return null;
                        }
                        params = NODES.objectNode();
                        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                            String name = parser.currentName();
                            parser.nextToken();
                            JsonNode param = "arguments".equals(name) ? raw(parser, bytes, offset) : parser.readValueAsTree();
                            if (param == null || params.replace(name, param) != null) {
                                return null;
                            }
                        }
                    }
                    default -> {
                        return null;
                    }
                }
            }
            if (!version || parser.nextToken() != null) {
                return null;
            }
            return hotShape(id, method, result, params);
        } catch (JacksonException e) {
            return null;
        }
    }

    /**
     * The message an envelope read on a fast path makes, if it is one of the two shapes those paths serve: a
     * success response with a raw result, or a {@code tools/call} request. Null otherwise.
     */
    static @Nullable Decoded hotShape(@Nullable JsonNode id, @Nullable String method, @Nullable JsonNode result,
            @Nullable ObjectNode params) {
        if (id == null) {
            return null;
        }
        if (method == null && result != null && params == null) {
            return new Decoded.Ok(JsonRpcMessage.Response.success(id, result));
        }
        if ("tools/call".equals(method) && result == null && params != null) {
            return new Decoded.Ok(new JsonRpcMessage.Request(id, "tools/call", params));
        }
        return null;
    }

    /**
     * The value the parser is at, as a raw node over a copy of its bytes; null when the scanner will not vouch for
     * it as raw (a key repeated, or spelled with an escape, inside it).
     */
    private static @Nullable JsonNode raw(JsonParser parser, byte[] bytes, int offset) {
        int start = (int) parser.currentTokenLocation().getByteOffset();
        parser.skipChildren();
        int end = (int) parser.currentLocation().getByteOffset();
        if (!EnvelopeScanner.passesRaw(bytes, offset + start, end - start)) {
            return null;
        }
        return new RawJson(Arrays.copyOfRange(bytes, offset + start, offset + end), 0, end - start).node();
    }

    /** A tree for a value that may have been kept raw, for code that must look inside a result. */
    public JsonNode materialize(JsonNode node) {
        RawJson raw = RawJson.of(node);
        return raw == null ? node : mapper.readTree(raw.bytes(), raw.offset(), raw.length());
    }

    /**
     * {@code node} with every value kept raw read into a tree: the node itself, or the members of an object (a
     * request's raw {@code arguments}). Shares what was already a tree; never changes {@code node}.
     */
    public JsonNode materializeAll(JsonNode node) {
        if (RawJson.of(node) != null) {
            return materialize(node);
        }
        if (!(node instanceof tools.jackson.databind.node.ObjectNode object)) {
            return node;
        }
        tools.jackson.databind.node.ObjectNode copy = null;
        for (var member : object.properties()) {
            if (RawJson.of(member.getValue()) != null) {
                if (copy == null) {
                    copy = object.deepCopy();
                }
                copy.set(member.getKey(), materialize(member.getValue()));
            }
        }
        return copy == null ? node : copy;
    }

    /** Validates an already parsed tree as a JSON-RPC message. */
    public Decoded interpret(JsonNode tree) {
        if (tree == null || tree.isMissingNode()) {
            return invalid(null, ErrorCode.INVALID_REQUEST, "Invalid Request: empty message");
        }
        if (tree.isArray()) {
            return invalid(null, ErrorCode.INVALID_REQUEST,
                    "Invalid Request: JSON-RPC batches are not supported (removed in MCP 2025-06-18); send one message per line");
        }
        if (!tree.isObject()) {
            return invalid(null, ErrorCode.INVALID_REQUEST, "Invalid Request: a message must be a JSON object");
        }
        JsonNode id = tree.get("id");
        JsonNode version = tree.get("jsonrpc");
        boolean idReadable = JsonRpcIds.isValid(id);
        if (version == null || !version.isString() || !"2.0".equals(version.stringValue())) {
            return invalid(idReadable ? id : null, ErrorCode.INVALID_REQUEST,
                    "Invalid Request: \"jsonrpc\" must be \"2.0\"");
        }
        JsonNode method = tree.get("method");
        JsonNode params = tree.get("params");
        if (method != null) {
            if (!method.isString() || method.stringValue().isEmpty()) {
                return invalid(idReadable ? id : null, ErrorCode.INVALID_REQUEST,
                        "Invalid Request: \"method\" must be a non-empty string");
            }
            if (params != null && !params.isObject() && !params.isArray()) {
                return invalid(idReadable ? id : null, ErrorCode.INVALID_REQUEST,
                        "Invalid Request: \"params\" must be an object");
            }
            if (id == null) {
                return new Decoded.Ok(new JsonRpcMessage.Notification(method.stringValue(), params));
            }
            if (!idReadable) {
                return invalid(null, ErrorCode.INVALID_REQUEST,
                        "Invalid Request: \"id\" must be a string or an integer (MCP forbids null), got " + id);
            }
            return new Decoded.Ok(new JsonRpcMessage.Request(id, method.stringValue(), params));
        }
        JsonNode result = tree.get("result");
        JsonNode error = tree.get("error");
        if (result != null || error != null) {
            if (result != null && error != null) {
                return new Decoded.Invalid(id, JsonRpcError.of(ErrorCode.INVALID_REQUEST,
                        "Invalid response: both \"result\" and \"error\""), false);
            }
            if (id == null || !(idReadable || id.isNull())) {
                return new Decoded.Invalid(null, JsonRpcError.of(ErrorCode.INVALID_REQUEST,
                        "Invalid response: bad \"id\""), false);
            }
            if (error != null) {
                JsonRpcError parsed = readError(error);
                if (parsed == null) {
                    return new Decoded.Invalid(id, JsonRpcError.of(ErrorCode.INVALID_REQUEST,
                            "Invalid response: \"error\" needs an integer code and a string message"), false);
                }
                return new Decoded.Ok(JsonRpcMessage.Response.failure(id.isNull() ? null : id, parsed));
            }
            return new Decoded.Ok(JsonRpcMessage.Response.success(id.isNull() ? null : id, result));
        }
        return invalid(idReadable ? id : null, ErrorCode.INVALID_REQUEST,
                "Invalid Request: a message needs \"method\" (request or notification) or \"result\"/\"error\" (response)");
    }

    /** Encodes a message as compact JSON without a trailing newline; MCP stdio forbids embedded newlines. */
    public byte[] encode(JsonRpcMessage message) {
        if (message instanceof JsonRpcMessage.Response response && response.id() != null) {
            RawJson raw = RawJson.of(response.result());
            if (raw != null) {
                return spliceResponse(response.id(), raw);
            }
        }
        if (message instanceof JsonRpcMessage.Request request && request.params() instanceof ObjectNode params) {
            byte[] spliced = spliceRequest(request, params);
            if (spliced != null) {
                return spliced;
            }
        }
        // Written member by member: building an envelope tree first costs a map per message.
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256);
        try (tools.jackson.core.JsonGenerator gen = mapper.createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringProperty("jsonrpc", "2.0");
            switch (message) {
                case JsonRpcMessage.Request r -> {
                    gen.writeName("id");
                    gen.writeTree(r.id());
                    gen.writeStringProperty("method", r.method());
                    if (r.params() != null) {
                        gen.writeName("params");
                        gen.writeTree(r.params());
                    }
                }
                case JsonRpcMessage.Notification n -> {
                    gen.writeStringProperty("method", n.method());
                    if (n.params() != null) {
                        gen.writeName("params");
                        gen.writeTree(n.params());
                    }
                }
                case JsonRpcMessage.Response r -> {
                    gen.writeName("id");
                    if (r.id() == null) {
                        gen.writeNull();
                    } else {
                        gen.writeTree(r.id());
                    }
                    if (r.error() != null) {
                        gen.writeName("error");
                        gen.writeStartObject();
                        gen.writeNumberProperty("code", r.error().code());
                        gen.writeStringProperty("message", r.error().message());
                        if (r.error().data() != null) {
                            gen.writeName("data");
                            gen.writeTree(r.error().data());
                        }
                        gen.writeEndObject();
                    } else {
                        gen.writeName("result");
                        gen.writeTree(r.result());
                    }
                }
            }
            gen.writeEndObject();
        }
        return out.toByteArray();
    }

    private static final byte[] RESPONSE_HEAD = "{\"jsonrpc\":\"2.0\",\"id\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] RESULT_MEMBER = ",\"result\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The hot path's answer, a success response whose result is still the upstream's bytes, assembled without a
     * generator: the envelope is constant but for the id.
     */
    private static byte[] spliceResponse(JsonNode id, RawJson result) {
        byte[] idBytes = id.isString()
                ? quoted(id.stringValue())
                : id.asString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = new byte[RESPONSE_HEAD.length + idBytes.length + RESULT_MEMBER.length + result.length() + 1];
        int at = 0;
        System.arraycopy(RESPONSE_HEAD, 0, out, at, RESPONSE_HEAD.length);
        at += RESPONSE_HEAD.length;
        System.arraycopy(idBytes, 0, out, at, idBytes.length);
        at += idBytes.length;
        System.arraycopy(RESULT_MEMBER, 0, out, at, RESULT_MEMBER.length);
        at += RESULT_MEMBER.length;
        System.arraycopy(result.bytes(), result.offset(), out, at, result.length());
        out[out.length - 1] = '}';
        return out;
    }

    /**
     * A request whose params are only strings and raw values (a forwarded {@code tools/call}: name and
     * arguments), assembled without a generator; null when it has anything else (then the general path runs).
     */
    private static byte @Nullable [] spliceRequest(JsonRpcMessage.Request request, ObjectNode params) {
        boolean anyRaw = false;
        for (var member : params.properties()) {
            JsonNode value = member.getValue();
            if (RawJson.of(value) != null) {
                anyRaw = true;
            } else if (!value.isString()) {
                return null;
            }
        }
        if (!anyRaw) {
            return null;
        }
        // The pieces first, then one array of the exact size: no growing buffer, no final copy.
        int count = params.size();
        byte[][] pieces = new byte[4 + 2 * count][];
        int n = 0;
        pieces[n++] = REQUEST_HEAD;
        pieces[n++] = request.id().isString() ? quoted(request.id().stringValue())
                : request.id().asString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        pieces[n++] = METHOD_MEMBER;
        pieces[n++] = quoted(request.method());
        int size = PARAMS_MEMBER.length + 2 + Math.max(0, count - 1);
        RawJson[] raws = new RawJson[count];
        int member = 0;
        for (var entry : params.properties()) {
            pieces[n++] = quoted(entry.getKey());
            raws[member] = RawJson.of(entry.getValue());
            pieces[n++] = raws[member] == null ? quoted(entry.getValue().stringValue()) : null;
            size += 1 + (raws[member] == null ? pieces[n - 1].length : raws[member].length());
            member++;
        }
        for (int k = 0; k < 4; k++) {
            size += pieces[k].length;
        }
        for (int k = 0; k < count; k++) {
            size += pieces[4 + 2 * k].length;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (int k = 0; k < 4; k++) {
            at = put(out, at, pieces[k]);
        }
        at = put(out, at, PARAMS_MEMBER);
        for (int k = 0; k < count; k++) {
            if (k > 0) {
                out[at++] = ',';
            }
            at = put(out, at, pieces[4 + 2 * k]);
            out[at++] = ':';
            if (raws[k] != null) {
                System.arraycopy(raws[k].bytes(), raws[k].offset(), out, at, raws[k].length());
                at += raws[k].length();
            } else {
                at = put(out, at, pieces[5 + 2 * k]);
            }
        }
        out[at++] = '}';
        out[at] = '}';
        return out;
    }

    private static int put(byte[] out, int at, byte[] piece) {
        System.arraycopy(piece, 0, out, at, piece.length);
        return at + piece.length;
    }

    private static final byte[] REQUEST_HEAD = "{\"jsonrpc\":\"2.0\",\"id\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] METHOD_MEMBER = ",\"method\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PARAMS_MEMBER = ",\"params\":{".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static byte[] quoted(String text) {
        // Method names, member names and ids are nearly always plain ASCII: copy those without the encoder.
        int length = text.length();
        boolean plain = true;
        for (int i = 0; i < length && plain; i++) {
            char c = text.charAt(i);
            plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
        }
        if (plain) {
            byte[] out = new byte[length + 2];
            out[0] = '"';
            for (int i = 0; i < length; i++) {
                out[i + 1] = (byte) text.charAt(i);
            }
            out[length + 1] = '"';
            return out;
        }
        byte[] escaped = tools.jackson.core.io.JsonStringEncoder.getInstance().quoteAsUTF8(text);
        byte[] out = new byte[escaped.length + 2];
        out[0] = '"';
        System.arraycopy(escaped, 0, out, 1, escaped.length);
        out[out.length - 1] = '"';
        return out;
    }

    private static @Nullable JsonRpcError readError(JsonNode error) {
        if (!error.isObject()) {
            return null;
        }
        JsonNode code = error.get("code");
        JsonNode message = error.get("message");
        // An integer past 32 bits is no error code (found by fuzzing: converting it threw, which ended the connection).
        if (code == null || !code.isInt() || message == null || !message.isString()) {
            return null;
        }
        return new JsonRpcError(code.intValue(), message.stringValue(), error.get("data"));
    }

    private static Decoded invalid(@Nullable JsonNode id, ErrorCode code, String message) {
        return new Decoded.Invalid(id, JsonRpcError.of(code, message), true);
    }

    private static String firstLine(@Nullable String message) {
        if (message == null) {
            return "malformed JSON";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
