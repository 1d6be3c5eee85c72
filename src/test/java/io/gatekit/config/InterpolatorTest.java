package io.gatekit.config;

import static io.gatekit.config.ConfigTesting.parse;
import static io.gatekit.config.ConfigTesting.problems;
import static io.gatekit.config.ConfigTesting.withUpstreams;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InterpolatorTest {

    private static final Map<String, String> VARS = Map.of("HOME_DIR", "/home/ann", "EMPTY", "", "PORT", "9000");

    @Test
    void expand_definedVariable_isReplaced() {
        Interpolator.Result result = Interpolator.expand("${HOME_DIR}/bin:${PORT}", VARS);

        assertThat(result.value()).isEqualTo("/home/ann/bin:9000");
        assertThat(result.substituted()).isTrue();
        assertThat(result.errors()).isEmpty();
    }

    @Test
    void expand_defaultSyntax_appliesWhenUnsetOrEmpty() {
        assertThat(Interpolator.expand("${MISSING:-fallback}", VARS).value()).isEqualTo("fallback");
        assertThat(Interpolator.expand("${EMPTY:-fallback}", VARS).value()).isEqualTo("fallback");
        assertThat(Interpolator.expand("${PORT:-1}", VARS).value()).isEqualTo("9000");
        assertThat(Interpolator.expand("${MISSING:-}", VARS).value()).isEmpty();
        assertThat(Interpolator.expand("${EMPTY}", VARS).value()).isEmpty();
    }

    @Test
    void expand_escapedOrNoReference_isLiteral() {
        assertThat(Interpolator.expand("$${PORT} costs $5", VARS))
                .isEqualTo(new Interpolator.Result("${PORT} costs $5", false, List.of()));
        assertThat(Interpolator.expand("plain", VARS).substituted()).isFalse();
    }

    @Test
    void expand_undefinedOrMalformed_reportsError() {
        assertThat(Interpolator.expand("${NOPE}", VARS).errors()).singleElement().asString()
                .contains("variable 'NOPE' is not defined").contains("${NOPE:-value}");
        assertThat(Interpolator.expand("${1BAD}", VARS).errors()).singleElement().asString()
                .startsWith("invalid variable reference '${1BAD}'");
        assertThat(Interpolator.expand("${OPEN", VARS).errors()).singleElement().asString()
                .startsWith("unterminated '${'");
    }

    @Test
    void parse_variablesInScalars_areExpandedAndPlainOnesRetyped() {
        GatewayConfig config = parse("""
                proxy:
                  transport: ${TRANSPORT:-http}
                  http:
                    port: ${PORT}
                    host: ${HOST:-127.0.0.1}
                  upstreams:
                    - name: a
                      command: ["${HOME_DIR}/server", "--port=${PORT}"]
                      env: {QUOTED_PORT: "${PORT}"}
                      enabled: ${ENABLED:-true}
                """, VARS);

        assertThat(config.proxy().transport()).isEqualTo(ClientTransport.HTTP);
        assertThat(config.proxy().http().orElseThrow().port()).isEqualTo(9000);
        assertThat(config.proxy().http().orElseThrow().host()).isEqualTo("127.0.0.1");
        UpstreamConfig upstream = config.proxy().upstreams().getFirst();
        assertThat(upstream.command()).containsExactly("/home/ann/server", "--port=9000");
        assertThat(upstream.env()).containsEntry("QUOTED_PORT", "9000");
        assertThat(upstream.enabled()).isTrue();
    }

    @Test
    void parse_quotedVariableForNumber_staysStringAndIsATypeError() {
        List<ConfigProblem> problems = problems("""
                proxy:
                  transport: http
                  http: {port: "${PORT}"}
                  upstreams: [{name: a, command: [x]}]
                """, VARS);

        assertThat(problems).singleElement().hasToString(
                "test.yaml:3:16: proxy.http.port: wrong type: expected integer, got string");
    }

    @Test
    void parse_undefinedVariable_reportsItsScalarOnlyOnce() {
        List<ConfigProblem> problems = problems(withUpstreams("""
                    - name: a
                      command: [x]
                      max_in_flight: ${LIMIT}
                """), VARS);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo(
                    new SourceLocation("test.yaml", 6, 22, "proxy.upstreams[0].max_in_flight"));
            assertThat(p.message()).startsWith("variable 'LIMIT' is not defined");
        });
    }

    @Test
    void parse_variableValueWithYamlSyntax_cannotChangeStructure() {
        GatewayConfig config = parse(withUpstreams("    - name: a\n      command: [\"${EVIL}\"]\n"),
                Map.of("EVIL", "x]\n    - name: injected\n      command: [y"));

        assertThat(config.proxy().upstreams()).singleElement().satisfies(u ->
                assertThat(u.command()).containsExactly("x]\n    - name: injected\n      command: [y"));
    }
}
