package io.gatekit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.jsonrpc.RawJson;
import io.gatekit.session.ClientSession;
import io.gatekit.session.InFlight;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** The chain alone: order, short cuts, threads, failures, cancellation, release and notifications. */
class RequestChainTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonRpcCodec CODEC = new JsonRpcCodec(1 << 20, true);

    private final BlockingQueue<JsonRpcMessage> sent = new LinkedBlockingQueue<>();
    private final ClientSession client = new ClientSession("test", message -> sent.add(message));
    private final List<String> trace = new CopyOnWriteArrayList<>();

    /** A link that records its way in and out under {@code name} and otherwise does nothing. */
    private Link recording(String name) {
        return new Link() {
            @Override
            public Decision onRequest(Exchange exchange) {
                trace.add(name + ">");
                return Decision.proceed();
            }

            @Override
            public Response onResponse(Exchange exchange, Response response) {
                trace.add("<" + name);
                return response;
            }

            @Override
            public Notification onNotification(Exchange exchange, Notification notification) {
                trace.add("~" + name);
                return notification;
            }
        };
    }

    /** A link that holds a resource for the exchange; {@code released} says whether the chain released it. */
    private static Link holding(AtomicBoolean released) {
        return new Link() {
            @Override
            public Decision onRequest(Exchange exchange) {
                exchange.closeAtEnd(() -> released.set(true));
                return Decision.proceed();
            }
        };
    }

    private static Link answering(JsonNode result) {
        return new Link() {
            @Override
            public Decision onRequest(Exchange exchange) {
                return Decision.answer(result);
            }
        };
    }

    private InFlight start(RequestChain chain, String method, long id) {
        Request request = new Request(JsonRpcIds.of(id), method, NODES.objectNode());
        InFlight inFlight = client.register(request).orElseThrow();
        chain.start(client, inFlight, request);
        return inFlight;
    }

    private Response nextResponse() throws InterruptedException {
        JsonRpcMessage message = sent.poll(10, TimeUnit.SECONDS);
        assertThat(message).isInstanceOf(Response.class);
        return (Response) message;
    }

    @Test
    void linksRunInOrderAndTheAnswerFlowsBackInReverseUnderTheClientsId() throws Exception {
        RequestChain chain = new RequestChain(List.of(recording("a"), recording("b"), answering(NODES.stringNode("ok"))), CODEC);
        start(chain, "x", 7);
        Response response = nextResponse();
        assertThat(response.id()).isEqualTo(JsonRpcIds.of(7));
        assertThat(response.result().stringValue()).isEqualTo("ok");
        assertThat(trace).containsExactly("a>", "b>", "<b", "<a");
        assertThat(client.inFlightCount()).isZero();
    }

    @Test
    void anAnswerStopsTheWayInAndOnlyTheLinksBeforeItSeeIt() throws Exception {
        Link refusing = new Link() {
            @Override
            public Decision onRequest(Exchange exchange) {
                trace.add("refuse");
                return Decision.fail(JsonRpcError.of(ErrorCode.OVERLOADED, "full"));
            }

            @Override
            public Response onResponse(Exchange exchange, Response response) {
                trace.add("<refuse");
                return response;
            }
        };
        RequestChain chain = new RequestChain(List.of(recording("a"), refusing, recording("never"),
                answering(NODES.nullNode())), CODEC);
        start(chain, "x", 1);
        Response response = nextResponse();
        assertThat(response.error().code()).isEqualTo(ErrorCode.OVERLOADED.code());
        assertThat(trace).containsExactly("a>", "refuse", "<a");
    }

    @Test
    void aModifiedRequestIsWhatLaterLinksSeeWhileTheOriginalIsKept() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        AtomicReference<String> original = new AtomicReference<>();
        Link renaming = new Link() {
            @Override
            public Decision onRequest(Exchange exchange) {
                return Decision.proceedWith(new Request(exchange.request().id(), "renamed", exchange.request().params()));
            }
        };
        Link last = new Link() {
            @Override
            public Decision onRequest(Exchange exchange) {
                seen.set(exchange.request().method());
                original.set(exchange.original().method());
                return Decision.answer(NODES.objectNode());
            }
        };
        start(new RequestChain(List.of(renaming, last), CODEC), "first", 1);
        nextResponse();
        assertThat(seen.get()).isEqualTo("renamed");
        assertThat(original.get()).isEqualTo("first");
    }

    @Test
    void theChainMovesToAVirtualThreadAtTheFirstLinkThatMayBlock() throws Exception {
        List<Boolean> virtual = new CopyOnWriteArrayList<>();
        Link plain = new Link() {
            @Override
            public Decision onRequest(Exchange exchange) {
                virtual.add(Thread.currentThread().isVirtual());
                return Decision.proceed();
            }
        };
        Link blocking = new Link() {
            @Override
            public boolean mayBlock(Exchange exchange) {
                return true;
            }

            @Override
            public Decision onRequest(Exchange exchange) {
                virtual.add(Thread.currentThread().isVirtual());
                return Decision.answer(NODES.objectNode());
            }
        };
        Thread caller = Thread.ofPlatform().start(() -> start(new RequestChain(List.of(plain, blocking), CODEC), "x", 1));
        caller.join();
        nextResponse();
        assertThat(virtual).containsExactly(false, true);
    }

    @Test
    void aLaterAnswerComesBackThroughTheLinksOnTheThreadThatCompletesIt() throws Exception {
        CompletableFuture<Response> upstream = new CompletableFuture<>();
        Link later = new Link() {
            @Override
            public Decision onRequest(Exchange exchange) {
                return Decision.later(upstream);
            }
        };
        start(new RequestChain(List.of(recording("a"), later), CODEC), "x", 3);
        assertThat(sent).isEmpty();
        upstream.complete(Response.success(JsonRpcIds.of(999), NODES.stringNode("done")));
        Response response = nextResponse();
        assertThat(response.id()).isEqualTo(JsonRpcIds.of(3));
        assertThat(trace).containsExactly("a>", "<a");
    }

    @Test
    void failuresAreMappedInOnePlace() throws Exception {
        Link gatewayError = new Link() {
            @Override
            public Decision onRequest(Exchange exchange) {
                throw new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "down");
            }
        };
        start(new RequestChain(List.of(gatewayError), CODEC), "x", 1);
        Response first = nextResponse();
        assertThat(first.error().code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE.code());
        assertThat(first.error().message()).isEqualTo("down");

        Link bug = new Link() {
            @Override
            public Decision onRequest(Exchange exchange) {
                throw new IllegalStateException("bug");
            }
        };
        start(new RequestChain(List.of(bug), CODEC), "tools/call", 2);
        Response second = nextResponse();
        assertThat(second.error().code()).isEqualTo(ErrorCode.INTERNAL_ERROR.code());
        assertThat(second.error().message()).contains("tools/call").contains("bug");

        start(new RequestChain(List.of(recording("only")), CODEC), "x", 3);
        assertThat(nextResponse().error().code()).isEqualTo(ErrorCode.INTERNAL_ERROR.code());
    }

    @Test
    void aCancelledRequestGetsNoAnswerButReleasesWhatItHeld() throws Exception {
        AtomicBoolean released = new AtomicBoolean();
        Link holding = holding(released);
        Link later = new Link() {
            @Override
            public Decision onRequest(Exchange exchange) {
                return Decision.later(exchange.inFlight().outcome());
            }
        };
        InFlight inFlight = start(new RequestChain(List.of(holding, recording("a"), later), CODEC), "x", 5);
        assertThat(client.cancel(JsonRpcIds.of(5))).isTrue();
        assertThat(released).isTrue();
        assertThat(inFlight.isCancelled()).isTrue();
        assertThat(client.inFlightCount()).isZero();
        // The next request's answer is the next message: nothing was sent for the cancelled one.
        start(new RequestChain(List.of(answering(NODES.stringNode("next"))), CODEC), "x", 6);
        assertThat(nextResponse().id()).isEqualTo(JsonRpcIds.of(6));
        assertThat(trace).containsExactly("a>");
    }

    @Test
    void resourcesAreReleasedWhenAnAnswerIsRefusedToo() throws Exception {
        AtomicBoolean released = new AtomicBoolean();
        Link holding = holding(released);
        start(new RequestChain(List.of(holding, answering(NODES.objectNode())), CODEC), "x", 1);
        nextResponse();
        assertThat(released).isTrue();
    }

    @Test
    void bodiesAreMaterialisedOnlyForLinksThatReadThem() throws Exception {
        Decoded decoded = CODEC.decode("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"k\":[1,2]}}".getBytes(StandardCharsets.UTF_8));
        Response upstreamAnswer = (Response) ((Decoded.Ok) decoded).message();
        assertThat(RawJson.isRaw(upstreamAnswer.result())).as("the upstream codec keeps results raw").isTrue();
        List<Boolean> raw = new CopyOnWriteArrayList<>();
        Link reader = new Link() {
            @Override
            public boolean readsBodies(Exchange exchange) {
                return true;
            }

            @Override
            public Response onResponse(Exchange exchange, Response response) {
                raw.add(RawJson.isRaw(response.result()));
                assertThat(response.result().path("k").size()).isEqualTo(2);
                return response;
            }
        };
        Link passer = new Link() {
            @Override
            public Response onResponse(Exchange exchange, Response response) {
                raw.add(RawJson.isRaw(response.result()));
                return response;
            }
        };
        Link later = new Link() {
            @Override
            public Decision onRequest(Exchange exchange) {
                return Decision.later(CompletableFuture.completedFuture(upstreamAnswer));
            }
        };
        start(new RequestChain(List.of(reader, passer, later), CODEC), "x", 1);
        nextResponse();
        assertThat(raw).containsExactly(true, false);
    }

    @Test
    void notificationsAboutARequestFlowBackThroughTheLinksItPassed() throws Exception {
        AtomicReference<Exchange> captured = new AtomicReference<>();
        CompletableFuture<Response> upstream = new CompletableFuture<>();
        Link dropping = new Link() {
            @Override
            public Notification onNotification(Exchange exchange, Notification notification) {
                trace.add("~drop?");
                return "drop".equals(notification.method()) ? null : notification;
            }
        };
        Link later = new Link() {
            @Override
            public Decision onRequest(Exchange exchange) {
                captured.set(exchange);
                return Decision.later(upstream);
            }
        };
        start(new RequestChain(List.of(recording("a"), dropping, recording("b"), later), CODEC), "x", 1);
        captured.get().notifyCaller(new Notification("notifications/progress", NODES.objectNode()));
        captured.get().notifyCaller(new Notification("drop", null));
        assertThat(sent.poll(10, TimeUnit.SECONDS)).isInstanceOf(Notification.class);
        upstream.complete(Response.success(JsonRpcIds.of(1), NODES.objectNode()));
        assertThat(nextResponse().id()).isEqualTo(JsonRpcIds.of(1));
        assertThat(trace).containsExactly("a>", "b>", "~b", "~drop?", "~a", "~b", "~drop?", "<b", "<a");
    }
}
