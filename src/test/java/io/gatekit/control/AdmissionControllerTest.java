package io.gatekit.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.session.ClientSession;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

/** The ceilings alone: refused at once beyond them, and every slot given back exactly once. */
class AdmissionControllerTest {
    private final AdmissionController admission = new AdmissionController(2);

    private Permit admitted(String upstream) {
        Admission decision = admission.admit(upstream);
        assertThat(decision).isInstanceOf(Admission.Admitted.class);
        return ((Admission.Admitted) decision).permit();
    }

    private static Admission.Rejected rejected(Admission decision) {
        assertThat(decision).isInstanceOf(Admission.Rejected.class);
        return (Admission.Rejected) decision;
    }

    @Test
    void anUpstreamAtItsCeilingRefusesAtOnceNamingTheSetting() {
        admission.configure("files", 2);
        admitted("files");
        admitted("files");
        Admission.Rejected third = rejected(admission.admit("files"));
        assertThat(third.reason().error().code()).isEqualTo(ErrorCode.OVERLOADED.code());
        assertThat(third.reason().error().message()).contains("files").contains("max_in_flight").contains("2");
        assertThat(admission.inFlight("files")).isEqualTo(2);
    }

    @Test
    void aPermitClosedTwiceGivesItsSlotBackOnce() {
        admission.configure("files", 2);
        Permit first = admitted("files");
        admitted("files");
        first.close();
        first.close();
        assertThat(admission.inFlight("files")).isEqualTo(1);
        admitted("files");
        rejected(admission.admit("files"));
    }

    @Test
    void ceilingsAreSeparatePerUpstream() {
        admission.configure("files", 1);
        admission.configure("memory", 1);
        admitted("files");
        admitted("memory");
        rejected(admission.admit("files"));
        assertThat(admission.inFlight("memory")).isEqualTo(1);
    }

    @Test
    void anUnknownUpstreamIsUnavailableNotOverloaded() {
        Admission.Rejected refused = rejected(admission.admit("ghost"));
        assertThat(refused.reason().error().code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE.code());
        assertThat(admission.inFlight("ghost")).isZero();
    }

    @Test
    void raisingACeilingInPlace_keepsCountingThePermitsTakenBeforeIt() {
        admission.configure("files", 1);
        Permit old = admitted("files");
        admission.configure("files", 2);
        admitted("files");
        rejected(admission.admit("files"));
        old.close(); // gives its slot back to the resized ceiling
        assertThat(admission.inFlight("files")).isEqualTo(1);
        admitted("files");
        rejected(admission.admit("files"));
    }

    @Test
    void loweringACeilingInPlace_refusesUntilTheExcessInFlightHasEnded() {
        admission.configure("files", 3);
        Permit first = admitted("files");
        Permit second = admitted("files");
        Permit third = admitted("files");
        admission.configure("files", 1);
        assertThat(admission.inFlight("files")).isEqualTo(3);
        Admission.Rejected refused = rejected(admission.admit("files"));
        assertThat(refused.reason().error().message()).contains("already has 1 requests");
        first.close();
        second.close();
        rejected(admission.admit("files"));
        third.close();
        admitted("files");
        rejected(admission.admit("files"));
    }

    @Test
    void theNonePermitHoldsNothing() {
        Permit.NONE.close();
        Permit.NONE.close();
        assertThat(admission.admitClient(new ClientSession("c", m -> true))).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void aClientIsCountedWithTheRequestJustRegistered() {
        ClientSession client = new ClientSession("c", m -> true);
        // the ceiling is 2: the second request in flight (just registered) is still admitted, the third is not
        register(client, 1);
        assertThat(admission.admitClient(client)).isInstanceOf(Admission.Admitted.class);
        register(client, 2);
        assertThat(admission.admitClient(client)).isInstanceOf(Admission.Admitted.class);
        register(client, 3);
        Admission.Rejected refused = rejected(admission.admitClient(client));
        assertThat(refused.reason().error().code()).isEqualTo(ErrorCode.OVERLOADED.code());
        assertThat(refused.reason().error().message()).contains("max_in_flight_per_client");
    }

    @Test
    void aNewPerClientCeilingAppliesToTheNextRequest() {
        ClientSession client = new ClientSession("c", m -> true);
        register(client, 1);
        register(client, 2);
        assertThat(admission.admitClient(client)).isInstanceOf(Admission.Admitted.class);
        admission.reconfigure(1);
        assertThat(rejected(admission.admitClient(client)).reason().error().message()).contains("limit 1");
        admission.reconfigure(5);
        assertThat(admission.admitClient(client)).isInstanceOf(Admission.Admitted.class);
    }

    private static void register(ClientSession client, int id) {
        assertThat(client.register(new Request(JsonNodeFactory.instance.numberNode(id), "tools/call", null))).isPresent();
    }
}
