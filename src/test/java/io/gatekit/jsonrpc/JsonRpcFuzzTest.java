package io.gatekit.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz targets for the decoding of one frame (ADR 0026). Each run of the default tests replays the seed corpus
 * under {@code src/test/resources/io/gatekit/jsonrpc/JsonRpcFuzzTestInputs/}; {@code scripts/fuzz} fuzzes. What
 * must hold for any bytes: decoding never throws, the byte-level paths (the client side keeps {@code arguments}
 * raw, the upstream side {@code result}) judge a frame exactly as the full parser does, and a message that decodes
 * encodes to a frame that decodes again.
 */
class JsonRpcFuzzTest {
    private static final int LIMIT = 1 << 16;
    private static final JsonRpcCodec FULL = new JsonRpcCodec(LIMIT);
    private static final JsonRpcCodec CLIENT_SIDE = JsonRpcCodec.forClients(LIMIT);
    private static final JsonRpcCodec UPSTREAM_SIDE = new JsonRpcCodec(LIMIT, true);

    @FuzzTest
    void clientFrames(byte[] frame) {
        agreesWithFullParser(CLIENT_SIDE, frame);
    }

    @FuzzTest
    void upstreamFrames(byte[] frame) {
        agreesWithFullParser(UPSTREAM_SIDE, frame);
    }

    /** What the scanner keeps raw is relayed byte for byte, so it must vouch only for JSON the strict parser reads. */
    @FuzzTest
    void rawValues(byte[] value) {
        if (EnvelopeScanner.passesRaw(value, 0, value.length)) {
            assertThat(FULL.mapper().readTree(value)).as("a value the scanner passed as raw").isNotNull();
        }
    }

    static void agreesWithFullParser(JsonRpcCodec codec, byte[] frame) {
        Decoded fast = codec.decode(frame);
        Decoded full = FULL.decode(frame);
        assertThat(fast.getClass()).as("byte-level and full decoding judge the frame alike").isEqualTo(full.getClass());
        switch (fast) {
            case Decoded.Invalid invalid -> assertThat(invalid.error().code())
                    .isEqualTo(((Decoded.Invalid) full).error().code());
            case Decoded.Ok ok -> {
                byte[] again = codec.encode(ok.message());
                assertThat(FULL.decode(again)).as("the re-encoded message %s", new String(again,
                        java.nio.charset.StandardCharsets.UTF_8)).isInstanceOf(Decoded.Ok.class);
            }
        }
    }
}
