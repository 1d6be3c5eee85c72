package io.gatekit.security;

import static io.gatekit.security.Filters.CONTEXT;
import static io.gatekit.security.Filters.base64;
import static io.gatekit.security.Filters.echoed;
import static io.gatekit.security.Filters.onEcho;
import static io.gatekit.security.Filters.pii;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.plugins.PluginDecision;
import io.gatekit.plugins.SecurityPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

class BasicPiiFilterTest {
    private final SecurityPlugin redacting = pii("{}");

    @Test
    void email_isRedactedWithItsPlaceholder_byDefault() {
        PluginDecision decision = onEcho(redacting, "write to john.doe@example.com today");

        assertThat(decision).isInstanceOf(PluginDecision.Modify.class);
        assertThat(echoed(decision)).isEqualTo("write to [EMAIL REDACTED by Gatekit] today");
        assertThat(decision.reason()).isEqualTo("PII redacted: email (1)").doesNotContain("john");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "call (555) 123-4567 now        | phone       | call [PHONE REDACTED by Gatekit] now",
            "call 555-123-4567 now          | phone       | call [PHONE REDACTED by Gatekit] now",
            "call 555.123.4567 now          | phone       | call [PHONE REDACTED by Gatekit] now",
            "visa 4111111111111111 ok       | credit_card | visa [CREDIT_CARD REDACTED by Gatekit] ok",
            "visa 4111 1111 1111 1111 ok    | credit_card | visa [CREDIT_CARD REDACTED by Gatekit] ok",
            "mc 5555-5555-5555-4444 ok      | credit_card | mc [CREDIT_CARD REDACTED by Gatekit] ok",
            "amex 378282246310005 ok        | credit_card | amex [CREDIT_CARD REDACTED by Gatekit] ok",
            "amex 3782 822463 10005 ok      | credit_card | amex [CREDIT_CARD REDACTED by Gatekit] ok",
            "discover 6011111111111117 ok   | credit_card | discover [CREDIT_CARD REDACTED by Gatekit] ok",
            "host 192.168.1.10 up           | ip_address  | host [IP_ADDRESS REDACTED by Gatekit] up",
            "host 2001:0db8:85a3:0000:0000:8a2e:0370:7334 up | ip_address | host [IP_ADDRESS REDACTED by Gatekit] up",
            "host 2001:db8::1 up            | ip_address  | host [IP_ADDRESS REDACTED by Gatekit] up",
            "host fe80::1ff:fe23:4567:890a up | ip_address | host [IP_ADDRESS REDACTED by Gatekit] up",
            "ssn 123-45-6789 filed          | national_id | ssn [NATIONAL_ID REDACTED by Gatekit] filed",
            "ni AB 12 34 56 C filed         | national_id | ni [NATIONAL_ID REDACTED by Gatekit] filed",
            "ni AB123456C filed             | national_id | ni [NATIONAL_ID REDACTED by Gatekit] filed",
            "sin 046-454-286 filed          | national_id | sin [NATIONAL_ID REDACTED by Gatekit] filed",
    })
    void eachKind_isFoundAndRedacted(String text, String type, String redacted) {
        PluginDecision decision = onEcho(redacting, text);

        assertThat(echoed(decision)).isEqualTo(redacted);
        assertThat(decision.reason()).isEqualTo("PII redacted: " + type + " (1)");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "visa 4111111111111112 fails Luhn",
            "version 999.300.1.1 is not an address",
            "12:30:45 is a time",
            "std::vector and Face::Bad are code",
            "::1 is loopback",
            "order 1234-567-8901 is no phone",
            "nothing personal here"})
    void lookAlikes_pass(String text) {
        assertThat(onEcho(redacting, text)).isInstanceOf(PluginDecision.Allow.class)
                .extracting(PluginDecision::reason).isEqualTo("no PII detected");
    }

    @Test
    void luhn_acceptsRealNumbers_rejectsOneDigitOff() {
        assertThat(Luhn.valid("4111 1111 1111 1111")).isTrue();
        assertThat(Luhn.valid("378282246310005")).isTrue();
        assertThat(Luhn.valid("4111111111111112")).isFalse();
        assertThat(Luhn.valid("0")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "email       | mail me at a.b@example.org",
            "phone       | ring 555-123-4567",
            "credit_card | pay 4111111111111111",
            "ip_address  | ping 10.0.0.1",
            "national_id | ssn 123-45-6789"})
    void eachKind_canBeTurnedOff(String type, String text) {
        SecurityPlugin without = pii("{'pii_types': {'" + type + "': {'enabled': false}}}");

        assertThat(onEcho(without, text)).isInstanceOf(PluginDecision.Allow.class);
        assertThat(onEcho(redacting, text)).isInstanceOf(PluginDecision.Modify.class);
    }

    @Test
    void block_refusesWithAShortReason_thatNeverEchoesTheData() {
        PluginDecision decision = onEcho(pii("{'action': 'block'}"), "a@example.com, b@example.com, 555-123-4567");

        assertThat(decision).isInstanceOfSatisfying(PluginDecision.Block.class, block -> {
            assertThat(block.reason()).isEqualTo("PII detected: email (2), phone (1)");
            assertThat(block.data()).isNotNull();
            assertThat(block.data().path("reason_code").stringValue()).isEqualTo("pii_detected");
            assertThat(block.data().path("found").path("email").asInt()).isEqualTo(2);
            assertThat(block.data().toString()).doesNotContain("example.com").doesNotContain("4567");
        });
    }

    @Test
    void auditOnly_letsTheMessageThroughUnchanged_andSaysWhatWasFound() {
        Request request = Filters.echo("a@example.com and 4111111111111111");

        PluginDecision decision = pii("{'action': 'audit_only'}").onRequest(request, CONTEXT);

        assertThat(decision).isInstanceOf(PluginDecision.Allow.class);
        assertThat(decision.reason()).isEqualTo("PII detected (audit only): credit_card (1), email (1)")
                .doesNotContain("example").doesNotContain("4111");
    }

    @Test
    void numbers_areScannedToo_andARedactedNumberBecomesAString() {
        ObjectNode params = Filters.NODES.objectNode().put("name", "pay");
        params.putObject("arguments").put("card", 4111111111111111L).put("amount", 12);

        PluginDecision decision = redacting.onRequest(new Request(Filters.NODES.numberNode(1), "tools/call", params), CONTEXT);

        var arguments = ((Request) ((PluginDecision.Modify) decision).message()).params().path("arguments");
        assertThat(arguments.path("card").stringValue()).isEqualTo("[CREDIT_CARD REDACTED by Gatekit]");
        assertThat(arguments.path("amount").asInt()).isEqualTo(12);
    }

    @Test
    void base64_isLeftAlone_unlessScanBase64() {
        String encoded = base64("reach me at hidden@example.com please");

        assertThat(onEcho(redacting, encoded)).isInstanceOf(PluginDecision.Allow.class);
        assertThat(onEcho(redacting, "see " + encoded)).isInstanceOf(PluginDecision.Allow.class);
    }

    @Test
    void base64Finding_underRedact_isForcedToBlock() {
        PluginDecision decision = onEcho(pii("{'scan_base64': true}"), "payload " + base64("reach me at hidden@example.com please"));

        assertThat(decision).isInstanceOfSatisfying(PluginDecision.Block.class, block -> {
            assertThat(block.reason()).isEqualTo(
                    "PII detected in base64-encoded content, which cannot be redacted: email (1)");
            assertThat(block.data().path("base64_force_block").asBoolean()).isTrue();
        });
    }

    @Test
    void base64Finding_underAuditOnly_passesWithAReason() {
        PluginDecision decision = onEcho(pii("{'scan_base64': true, 'action': 'audit_only'}"),
                base64("reach me at hidden@example.com please"));

        assertThat(decision).isInstanceOf(PluginDecision.Allow.class);
        assertThat(decision.reason()).isEqualTo("PII detected (audit only): email (1)");
    }

    @Test
    void dataUrlPayload_isFileData_andNotDecoded() {
        String image = "data:image/png;base64," + base64("reach me at hidden@example.com please");

        assertThat(onEcho(pii("{'scan_base64': true}"), image)).isInstanceOf(PluginDecision.Allow.class);
        assertThat(onEcho(pii("{'scan_base64': true}"), "inline " + image + " end")).isInstanceOf(PluginDecision.Allow.class);
    }

    @Test
    void disguisedCharacters_areSeenThrough_andTheWholeDisguiseIsRedacted() {
        String fullWidthCard = "card ４１１１ １１１１ １１１１ １１１１ end";
        String zeroWidthEmail = "mail jo\u200Bhn\u200D@exam\u2060ple.com end";
        String fullWidthAt = "mail john＠example.com end";

        assertThat(echoed(onEcho(redacting, fullWidthCard))).isEqualTo("card [CREDIT_CARD REDACTED by Gatekit] end");
        assertThat(echoed(onEcho(redacting, zeroWidthEmail))).isEqualTo("mail [EMAIL REDACTED by Gatekit] end");
        assertThat(echoed(onEcho(redacting, fullWidthAt))).isEqualTo("mail [EMAIL REDACTED by Gatekit] end");
    }
}
