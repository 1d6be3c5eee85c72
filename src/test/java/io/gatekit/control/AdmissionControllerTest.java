package io.gatekit.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.config.LimitsConfig;
import io.gatekit.config.RateLimitConfig;
import io.gatekit.config.UpstreamLimits;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.session.ClientInfo;
import io.gatekit.session.ClientSession;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

/** The ceilings and rate limits alone: refused beyond them, and every slot given back exactly once. */
class AdmissionControllerTest {
    private static final long FAR = Long.MAX_VALUE / 2;

    private final AdmissionController admission = new AdmissionController(clientLimits(2, null), Runnable::run);

    private static LimitsConfig clientLimits(int maxInFlightPerClient, RateLimitConfig rate) {
        LimitsConfig defaults = LimitsConfig.defaults();
        return new LimitsConfig(defaults.maxMessageBytes(), defaults.maxInFlightPerUpstream(), maxInFlightPerClient,
                defaults.listPageSize(), defaults.maxQueuedPerUpstream(), Optional.ofNullable(rate), Map.of(),
                defaults.maxUpstreamProcesses());
    }

    /** A ceiling without a queue: over it, refused at once. */
    private void configure(String upstream, int maxInFlight) {
        admission.configure(upstream, new UpstreamLimits(maxInFlight, 0, Map.of(), Optional.empty()));
    }

    private Permit admitted(String upstream) {
        Admission decision = admission.admit(upstream, FAR);
        assertThat(decision).isInstanceOf(Admission.Admitted.class);
        return ((Admission.Admitted) decision).permit();
    }

    private static Admission.Rejected rejected(Admission decision) {
        assertThat(decision).isInstanceOf(Admission.Rejected.class);
        return (Admission.Rejected) decision;
    }

    @Test
    void anUpstreamAtItsCeilingWithNoQueueRefusesAtOnceNamingTheSettings() {
        configure("files", 2);
        admitted("files");
        admitted("files");
        Admission.Rejected third = rejected(admission.admit("files", FAR));
        assertThat(third.reason().error().code()).isEqualTo(ErrorCode.OVERLOADED.code());
        assertThat(third.reason().error().message()).contains("'files'").contains("max_in_flight").contains("2 in flight")
                .contains("max_queued");
        assertThat(third.reason().error().data().path("reason").asString()).isEqualTo("queue_full");
        assertThat(Refusal.retryAfterMs(third.reason().error())).hasValue(Refusal.DEFAULT_RETRY_AFTER_MS);
        assertThat(admission.inFlight("files")).isEqualTo(2);
    }

    @Test
    void aPermitClosedTwiceGivesItsSlotBackOnce() {
        configure("files", 2);
        Permit first = admitted("files");
        admitted("files");
        first.close();
        first.close();
        assertThat(admission.inFlight("files")).isEqualTo(1);
        admitted("files");
        rejected(admission.admit("files", FAR));
    }

    @Test
    void ceilingsAreSeparatePerUpstream() {
        configure("files", 1);
        configure("memory", 1);
        admitted("files");
        admitted("memory");
        rejected(admission.admit("files", FAR));
        assertThat(admission.inFlight("memory")).isEqualTo(1);
    }

    @Test
    void anUnknownUpstreamIsUnavailableNotOverloaded() {
        Admission.Rejected refused = rejected(admission.admit("ghost", FAR));
        assertThat(refused.reason().error().code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE.code());
        assertThat(admission.inFlight("ghost")).isZero();
    }

    @Test
    void raisingACeilingInPlace_keepsCountingThePermitsTakenBeforeIt() {
        configure("files", 1);
        Permit old = admitted("files");
        configure("files", 2);
        admitted("files");
        rejected(admission.admit("files", FAR));
        old.close(); // gives its slot back to the resized ceiling
        assertThat(admission.inFlight("files")).isEqualTo(1);
        admitted("files");
        rejected(admission.admit("files", FAR));
    }

    @Test
    void loweringACeilingInPlace_refusesUntilTheExcessInFlightHasEnded() {
        configure("files", 3);
        Permit first = admitted("files");
        Permit second = admitted("files");
        Permit third = admitted("files");
        configure("files", 1);
        assertThat(admission.inFlight("files")).isEqualTo(3);
        Admission.Rejected refused = rejected(admission.admit("files", FAR));
        assertThat(refused.reason().error().message()).contains("1 in flight");
        first.close();
        second.close();
        rejected(admission.admit("files", FAR));
        third.close();
        admitted("files");
        rejected(admission.admit("files", FAR));
    }

    @Test
    void aRaisedCeilingLetsTheWaitingIn() {
        admission.configure("files", new UpstreamLimits(1, 5, Map.of(), Optional.empty()));
        admitted("files");
        Admission waiting = admission.admit("files", FAR);
        assertThat(waiting).isInstanceOf(Admission.Queued.class);
        assertThat(admission.queued("files")).isEqualTo(1);
        admission.configure("files", new UpstreamLimits(2, 5, Map.of(), Optional.empty()));
        assertThat(((Admission.Queued) waiting).ticket().ready()).isCompleted();
        assertThat(admission.queued("files")).isZero();
        assertThat(admission.inFlight("files")).isEqualTo(2);
    }

    @Test
    void theNonePermitHoldsNothing() {
        Permit.NONE.close();
        Permit.NONE.close();
        assertThat(admission.admitClient(new ClientSession("c", m -> true))).isNull();
    }

    @Test
    void aClientIsCountedWithTheRequestJustRegistered() {
        ClientSession client = new ClientSession("c", m -> true);
        // the ceiling is 2: the second request in flight (just registered) is still admitted, the third is not
        register(client, 1);
        assertThat(admission.admitClient(client)).isNull();
        register(client, 2);
        assertThat(admission.admitClient(client)).isNull();
        register(client, 3);
        GatewayException refused = admission.admitClient(client);
        assertThat(refused).isNotNull();
        assertThat(refused.error().code()).isEqualTo(ErrorCode.OVERLOADED.code());
        assertThat(refused.error().message()).contains("max_in_flight_per_client");
    }

    @Test
    void aNewPerClientCeilingAppliesToTheNextRequest() {
        ClientSession client = new ClientSession("c", m -> true);
        register(client, 1);
        register(client, 2);
        assertThat(admission.admitClient(client)).isNull();
        admission.reconfigure(clientLimits(1, null));
        assertThat(admission.admitClient(client)).isNotNull().extracting(GatewayException::getMessage)
                .asString().contains("limit 1");
        admission.reconfigure(clientLimits(5, null));
        assertThat(admission.admitClient(client)).isNull();
    }

    @Test
    void aClientOverItsRateLimitIsRefusedWithAHint_andAReloadedLimitStartsAFreshBucket() {
        admission.reconfigure(clientLimits(100, new RateLimitConfig(0.001, 2)));
        ClientSession client = new ClientSession("c", m -> true);
        ClientSession other = new ClientSession("d", m -> true);
        assertThat(admission.admitClient(client)).isNull();
        assertThat(admission.admitClient(client)).isNull();
        GatewayException refused = admission.admitClient(client);
        assertThat(refused).isNotNull();
        assertThat(refused.error().code()).isEqualTo(ErrorCode.OVERLOADED.code());
        assertThat(refused.error().message()).contains("proxy.limits.rate_limit_per_client").contains("burst 2");
        assertThat(refused.error().data().path("reason").asString()).isEqualTo("rate_limited");
        OptionalLong hint = Refusal.retryAfterMs(refused.error());
        assertThat(hint).isPresent();
        assertThat(hint.getAsLong()).isGreaterThan(1000); // a token every 1000 s
        assertThat(admission.admitClient(other)).as("each client has its own bucket").isNull();
        admission.reconfigure(clientLimits(100, new RateLimitConfig(0.001, 1)));
        assertThat(admission.admitClient(client)).isNull();
        assertThat(admission.admitClient(client)).isNotNull();
    }

    @Test
    void anUpstreamRateLimitIsSharedByEveryCaller() {
        admission.configure("files", new UpstreamLimits(10, 0, Map.of(), Optional.of(new RateLimitConfig(0.001, 1))));
        AdmissionController.UpstreamGate gate = admission.gate("files");
        assertThat(gate).isNotNull();
        assertThat(gate.rateLimit()).isNull();
        GatewayException refused = gate.rateLimit();
        assertThat(refused).isNotNull();
        assertThat(refused.error().message()).contains("'files'").contains("rate_limit");
        admission.configure("files", new UpstreamLimits(10, 0, Map.of(), Optional.empty()));
        assertThat(gate.rateLimit()).isNull();
    }

    @Test
    void aClientsWeightComesFromTheNameItGaveInInitialize() {
        LimitsConfig defaults = LimitsConfig.defaults();
        admission.reconfigure(new LimitsConfig(defaults.maxMessageBytes(), defaults.maxInFlightPerUpstream(), 10,
                defaults.listPageSize(), 5, Optional.empty(), Map.of("heavy", 3), defaults.maxUpstreamProcesses()));
        ClientSession heavy = new ClientSession("h", m -> true);
        ClientSession other = new ClientSession("o", m -> true);
        assertThat(admission.weightOf(heavy)).as("before initialize").isEqualTo(1);
        heavy.initialized(new ClientInfo("2025-11-25", JsonNodeFactory.instance.objectNode(),
                JsonNodeFactory.instance.objectNode().put("name", "heavy")));
        assertThat(admission.weightOf(heavy)).isEqualTo(3);
        assertThat(admission.weightOf(other)).isEqualTo(1);
    }

    private static void register(ClientSession client, int id) {
        assertThat(client.register(new Request(JsonNodeFactory.instance.numberNode(id), "tools/call", null))).isPresent();
    }
}
