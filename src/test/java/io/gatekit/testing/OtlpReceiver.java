package io.gatekit.testing;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * An OTLP/HTTP trace receiver on loopback: accepts {@code POST /v1/traces} (http/protobuf) and decodes just enough of
 * each {@code ExportTraceServiceRequest} to test with: every span's trace id, name and kind, and the resource's
 * {@code service.name}. A hand-written protobuf walk, so the tests need no generated OTLP classes.
 */
public final class OtlpReceiver implements AutoCloseable {
    /** One received span: ids in lower-case hex, {@code kind} as the OTLP enum number (2 server, 3 client). */
    public record ReceivedSpan(String service, String traceId, String name, int kind) {}

    public final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    public final List<String> contentTypes = new CopyOnWriteArrayList<>();
    /** Each export's {@code x-api-key} header (as a collector that wants a key would check it). */
    public final List<String> apiKeys = new CopyOnWriteArrayList<>();
    private final Server server = new Server();

    public OtlpReceiver() {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (!request.getMethod().equals("POST") || !Request.getPathInContext(request).equals("/v1/traces")) {
                    response.setStatus(404);
                    callback.succeeded();
                    return true;
                }
                contentTypes.add(String.valueOf(request.getHeaders().get("Content-Type")));
                apiKeys.add(String.valueOf(request.getHeaders().get("x-api-key")));
                byte[] body = Content.Source.asInputStream(request).readAllBytes();
                decode(ByteBuffer.wrap(body));
                response.setStatus(200);
                response.getHeaders().put("Content-Type", "application/x-protobuf");
                response.write(true, ByteBuffer.allocate(0), callback);
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("the OTLP receiver did not start", e);
        }
    }

    /** The traces URL, e.g. {@code http://127.0.0.1:41234/v1/traces}. */
    public String url() {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/v1/traces";
    }

    private void decode(ByteBuffer request) {
        // ExportTraceServiceRequest.resource_spans = 1; ResourceSpans.resource = 1, scope_spans = 2;
        // ScopeSpans.spans = 2; Span.trace_id = 1, name = 5, kind = 6; Resource.attributes = 1 (KeyValue key 1, value 2).
        fields(request, (field, value) -> {
            if (field != 1) {
                return;
            }
            String[] service = {""};
            List<ByteBuffer> scopes = new ArrayList<>();
            fields(value, (resourceField, part) -> {
                if (resourceField == 1) {
                    fields(part, (attributeField, keyValue) -> {
                        if (attributeField == 1) {
                            String[] key = {""};
                            fields(keyValue, (kvField, kv) -> {
                                if (kvField == 1) {
                                    key[0] = text(kv);
                                } else if (kvField == 2 && key[0].equals("service.name")) {
                                    fields(kv, (anyField, any) -> service[0] = anyField == 1 ? text(any) : service[0]);
                                }
                            });
                        }
                    });
                } else if (resourceField == 2) {
                    scopes.add(part);
                }
            });
            for (ByteBuffer scope : scopes) {
                fields(scope, (scopeField, span) -> {
                    if (scopeField == 2) {
                        String[] traceId = {""};
                        String[] name = {""};
                        int[] kind = {0};
                        fields(span, (spanField, v) -> {
                            switch (spanField) {
                                case 1 -> traceId[0] = HexFormat.of().formatHex(bytes(v));
                                case 5 -> name[0] = text(v);
                                case 6 -> kind[0] = v.getInt(0);
                                default -> { }
                            }
                        });
                        spans.add(new ReceivedSpan(service[0], traceId[0], name[0], kind[0]));
                    }
                });
            }
        });
    }

    /**
     * Calls {@code each} with every field of a message: length-delimited values as a buffer of their bytes, varints
     * as a 4-byte buffer holding the int; fixed-width fields are skipped.
     */
    private static void fields(ByteBuffer message, BiConsumer<Integer, ByteBuffer> each) {
        ByteBuffer in = message.duplicate();
        while (in.hasRemaining()) {
            long tag = varint(in);
            int field = (int) (tag >>> 3);
            switch ((int) (tag & 7)) {
                case 0 -> each.accept(field, ByteBuffer.allocate(4).putInt(0, (int) varint(in)));
                case 1 -> in.position(in.position() + 8);
                case 2 -> {
                    int length = (int) varint(in);
                    ByteBuffer value = in.slice(in.position(), length);
                    in.position(in.position() + length);
                    each.accept(field, value);
                }
                case 5 -> in.position(in.position() + 4);
                default -> throw new IllegalArgumentException("unexpected wire type in " + tag);
            }
        }
    }

    private static long varint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }

    private static byte[] bytes(ByteBuffer value) {
        byte[] bytes = new byte[value.remaining()];
        value.duplicate().get(bytes);
        return bytes;
    }

    private static String text(ByteBuffer value) {
        return new String(bytes(value), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
