package io.gatekit.security;

import static io.gatekit.security.Filters.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.config.PluginCheck.Issue;
import io.gatekit.config.PluginEntry;
import io.gatekit.config.SourceLocation;
import io.gatekit.plugins.PluginFactory;
import io.gatekit.plugins.PluginKind;
import io.gatekit.plugins.PluginRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Options are checked against each filter's schema before a plugin is made: wrong values get a clear message. */
class SecurityOptionsTest {

    private static List<Issue> check(PluginFactory factory, String config) {
        PluginEntry entry = new PluginEntry("security", "_global", factory.handler(), json(config),
                new SourceLocation("test.yaml", 9, 9, "plugins.security._global[0]"));
        return PluginRegistry.of(List.of(factory)).check(entry);
    }

    private static PluginFactory factory(String handler) {
        return switch (handler) {
            case "basic_pii_filter" -> new BasicPiiFilterFactory();
            case "basic_secrets_filter" -> new BasicSecretsFilterFactory();
            default -> new BasicPromptInjectionDefenseFactory();
        };
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "basic_pii_filter               | {'enabled': true, 'priority': 30, 'action': 'redact', 'pii_types': {'ip_address': {'enabled': false}}}",
            "basic_pii_filter               | {'action': 'audit_only', 'scan_base64': true, 'pii_types': {'email': {}, 'phone': {'enabled': true}, 'credit_card': {'enabled': true}, 'national_id': {'enabled': false}}}",
            "basic_secrets_filter           | {'enabled': true, 'priority': 20, 'action': 'block', 'critical': false}",
            "basic_secrets_filter           | {'secret_types': {'private_keys': {'enabled': true}}, 'entropy_detection': {'enabled': true, 'threshold': 4.5, 'min_length': 24}, 'scan_base64': true}",
            "basic_prompt_injection_defense | {'action': 'block', 'sensitivity': 'strict', 'detection_methods': {'delimiter_injection': {'enabled': false}}}",
            "basic_prompt_injection_defense | {}",
    })
    void thePythonGatekitsOptions_areAccepted(String handler, String config) {
        assertThat(check(factory(handler), config)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "basic_pii_filter               | {'action': 'delete'}                                      | in the enumeration",
            "basic_pii_filter               | {'pii_types': {'passport': {'enabled': true}}}           | unknown option 'passport' for basic_pii_filter",
            "basic_pii_filter               | {'pii_types': {'email': {'enabled': 'yes'}}}             | boolean",
            "basic_pii_filter               | {'scan_base64': 1}                                        | boolean",
            "basic_pii_filter               | {'redact': true}                                          | unknown option 'redact'",
            "basic_secrets_filter           | {'secret_types': {'aws_keys': {'enabled': true}}}        | valid options here: aws_access_keys",
            "basic_secrets_filter           | {'entropy_detection': {'enabled': true, 'threshold': 3.5}} | 4.0",
            "basic_secrets_filter           | {'entropy_detection': {'threshold': 5.5}}                | 5.0",
            "basic_secrets_filter           | {'entropy_detection': {'min_length': 5}}                 | 10",
            "basic_secrets_filter           | {'entropy_detection': {'min_length': 'long'}}            | integer",
            "basic_prompt_injection_defense | {'sensitivity': 'paranoid'}                               | in the enumeration",
            "basic_prompt_injection_defense | {'detection_methods': {'jailbreak': {'enabled': true}}}  | unknown option 'jailbreak'",
            "basic_prompt_injection_defense | {'priority': 101}                                         | 100",
    })
    void wrongValues_areRefused_withAClearMessage(String handler, String config, String expected) {
        List<Issue> issues = check(factory(handler), config);

        assertThat(issues).singleElement().satisfies(issue -> {
            assertThat(issue.message()).contains(expected).contains(handler);
            assertThat(issue.path().getFirst()).isEqualTo("config");
        });
    }

    @Test
    void theWrongKeyIsPointedAt() {
        List<Issue> issues = check(new BasicPiiFilterFactory(), "{'pii_types': {'emial': {'enabled': true}}}");

        assertThat(issues).singleElement().satisfies(issue -> {
            assertThat(issue.path()).containsExactly("config", "pii_types", "emial");
            assertThat(issue.atKey()).isTrue();
            assertThat(issue.message()).contains("did you mean 'email'");
        });
    }

    @Test
    void theBuiltInsAreRegistered_asSecurityPlugins() {
        PluginRegistry builtIn = PluginRegistry.builtIn();

        for (String handler : List.of("basic_pii_filter", "basic_secrets_filter", "basic_prompt_injection_defense")) {
            PluginFactory factory = builtIn.factory(handler);
            assertThat(factory).as(handler).isNotNull();
            assertThat(factory.kind()).isEqualTo(PluginKind.SECURITY);
        }
    }
}
