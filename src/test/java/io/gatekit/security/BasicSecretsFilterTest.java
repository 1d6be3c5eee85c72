package io.gatekit.security;

import static io.gatekit.security.Filters.base64;
import static io.gatekit.security.Filters.echoed;
import static io.gatekit.security.Filters.onEcho;
import static io.gatekit.security.Filters.secrets;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.plugins.PluginDecision;
import io.gatekit.plugins.SecurityPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BasicSecretsFilterTest {
    private static final String AWS_KEY = "AKIAIOSFODNN7EXAMPLE";
    private static final String RSA_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx4Nq0n1Z\nq2Y7bW9fV3k=\n"
            + "-----END RSA PRIVATE KEY-----";
    private static final String PKCS8_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF\n"
            + "-----END PRIVATE KEY-----";
    /** 64 distinct characters: six bits per character. */
    private static final String RANDOM_TOKEN = "Zq3xT9vLm2Pw8RkYb4Nc7HsJd1FgA6eUo0IiQ5tVyWzCrE-Xa_BhMnKlDjGpSfOu";

    private final SecurityPlugin redacting = secrets("{}");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "aws_access_keys | AKIAIOSFODNN7EXAMPLE",
            "github_tokens   | ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
            "google_api_keys | AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
            "jwt_tokens      | eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "openai_api_keys | sk-proj-abcdefghijklmnopqrstuvwx1234",
            "slack_tokens    | xoxb-123456789012-abcdefGHIJ",
    })
    void eachKind_isFoundAndRedacted(String type, String secret) {
        PluginDecision decision = onEcho(redacting, "key=" + secret + " ok");

        assertThat(echoed(decision)).isEqualTo("key=[SECRET REDACTED by Gatekit] ok");
        assertThat(decision.reason()).isEqualTo("secret redacted: " + type + " (1)").doesNotContain(secret);
    }

    @Test
    void sshPrivateKey_isRedactedAsAWholeBlock() {
        assertThat(echoed(onEcho(redacting, "key:\n" + RSA_KEY + "\nthanks")))
                .isEqualTo("key:\n[SECRET REDACTED by Gatekit]\nthanks");
    }

    @Test
    void privateKeyWithoutEndLine_losesItsBody_too() {
        String truncated = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nAAAABG5vbmU=\n";

        assertThat(echoed(onEcho(redacting, truncated + "-- cut here"))).isEqualTo("[SECRET REDACTED by Gatekit]-- cut here");
    }

    @Test
    void pkcs8PrivateKeys_areOffByDefault_andFoundWhenEnabled() {
        assertThat(onEcho(redacting, PKCS8_KEY)).isInstanceOf(PluginDecision.Allow.class);

        PluginDecision decision = onEcho(secrets("{'secret_types': {'private_keys': {'enabled': true}}}"), PKCS8_KEY);

        assertThat(echoed(decision)).isEqualTo("[SECRET REDACTED by Gatekit]");
        assertThat(decision.reason()).isEqualTo("secret redacted: private_keys (1)");
    }

    @Test
    void aKindTurnedOff_isNotLookedFor() {
        assertThat(onEcho(secrets("{'secret_types': {'aws_access_keys': {'enabled': false}}}"), AWS_KEY))
                .isInstanceOf(PluginDecision.Allow.class);
    }

    @Test
    void block_namesTheKind_neverTheKey() {
        PluginDecision decision = onEcho(secrets("{'action': 'block'}"), "use " + AWS_KEY);

        assertThat(decision).isInstanceOfSatisfying(PluginDecision.Block.class, block -> {
            assertThat(block.reason()).isEqualTo("secret detected: aws_access_keys (1)");
            assertThat(block.data().toString()).doesNotContain(AWS_KEY);
        });
    }

    @Test
    void auditOnly_passesAndCounts() {
        PluginDecision decision = onEcho(secrets("{'action': 'audit_only'}"), AWS_KEY + " and AKIAABCDEFGHIJKLMNOP");

        assertThat(decision).isInstanceOf(PluginDecision.Allow.class);
        assertThat(decision.reason()).isEqualTo("secret detected (audit only): aws_access_keys (2)");
    }

    @Test
    void entropy_isOffByDefault() {
        assertThat(onEcho(redacting, "token " + RANDOM_TOKEN)).isInstanceOf(PluginDecision.Allow.class);
    }

    @Test
    void entropy_flagsRandomTokens_atTheThreshold() {
        SecurityPlugin entropy = secrets("{'entropy_detection': {'enabled': true}}");

        PluginDecision decision = onEcho(entropy, "token " + RANDOM_TOKEN + " end");

        assertThat(echoed(decision)).isEqualTo("token [SECRET REDACTED by Gatekit] end");
        assertThat(decision.reason()).isEqualTo("secret redacted: high_entropy (1)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "get_user_profile_by_identifier", "0123456789abcdef0123",
            "550e8400-e29b-41d4-a716-446655440000"})
    void entropy_passesOrdinaryTokens(String token) {
        SecurityPlugin entropy = secrets("{'entropy_detection': {'enabled': true, 'threshold': 4.0}}");

        assertThat(onEcho(entropy, "id " + token)).isInstanceOf(PluginDecision.Allow.class);
    }

    @Test
    void entropy_thresholdAndMinLength_areHonoured() {
        String medium = "q8Zr2XkL5mWn9BvT4cYh"; // 20 distinct characters: log2(20) = 4.32 bits
        assertThat(SecretsDetector.shannonEntropy(medium, 0, medium.length())).isBetween(4.3, 4.33);

        assertThat(onEcho(secrets("{'entropy_detection': {'enabled': true, 'threshold': 4.0}}"), medium))
                .isInstanceOf(PluginDecision.Modify.class);
        assertThat(onEcho(secrets("{'entropy_detection': {'enabled': true, 'threshold': 4.5}}"), medium))
                .isInstanceOf(PluginDecision.Allow.class);
        assertThat(onEcho(secrets("{'entropy_detection': {'enabled': true, 'threshold': 4.0, 'min_length': 21}}"), medium))
                .isInstanceOf(PluginDecision.Allow.class);
    }

    @Test
    void entropy_leavesKnownShapesToTheirOwnKind_andDataUrlsAlone() {
        SecurityPlugin entropy = secrets("{'entropy_detection': {'enabled': true, 'threshold': 4.0}}");

        assertThat(onEcho(entropy, "key " + AWS_KEY).reason()).isEqualTo("secret redacted: aws_access_keys (1)");
        assertThat(onEcho(entropy, "data:image/png;base64," + RANDOM_TOKEN)).isInstanceOf(PluginDecision.Allow.class);
    }

    @Test
    void base64Secret_underRedact_isForcedToBlock() {
        PluginDecision decision = onEcho(secrets("{'scan_base64': true}"), "blob " + base64("aws=" + AWS_KEY));

        assertThat(decision).isInstanceOfSatisfying(PluginDecision.Block.class, block -> {
            assertThat(block.reason()).isEqualTo(
                    "secret detected in base64-encoded content, which cannot be redacted: aws_access_keys (1)");
            assertThat(block.data().path("base64_force_block").asBoolean()).isTrue();
        });
        assertThat(onEcho(redacting, "blob " + base64("aws=" + AWS_KEY))).isInstanceOf(PluginDecision.Allow.class);
    }

    @Test
    void disguisedKey_isSeenThrough() {
        assertThat(echoed(onEcho(redacting, "key AKIA\u200BIOSFODNN7EXAMPLE end")))
                .isEqualTo("key [SECRET REDACTED by Gatekit] end");
        assertThat(echoed(onEcho(redacting, "key ＡＫＩＡIOSFODNN7EXAMPLE end")))
                .isEqualTo("key [SECRET REDACTED by Gatekit] end");
    }
}
