package io.gatekit.config;

import static io.gatekit.config.ConfigTesting.parse;
import static io.gatekit.config.ConfigTesting.problems;
import static io.gatekit.config.ConfigTesting.withUpstreams;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code observability:} section: metrics on and tracing off by default, tracing bound with its defaults. */
class ObservabilityConfigTest {
    private static final String BASE = withUpstreams("    - {name: a, command: [x]}\n");

    @Test
    void absent_meansMetricsOnAndNoTracing() {
        assertThat(parse(BASE).observability()).isEqualTo(ObservabilityConfig.defaults());
        assertThat(parse(BASE + "observability: {tracing: {endpoint: \"http://collector:4318/v1/traces\"}}")
                .observability().tracing()).isEmpty();
    }

    @Test
    void tracing_enabled_takesItsDefaultsAndInterpolatedHeaders() {
        GatewayConfig config = parse(BASE + """
                observability:
                  metrics: {enabled: false}
                  tracing:
                    enabled: true
                    sample_ratio: 0.25
                    headers: {x-api-key: "${KEY}"}
                """, Map.of("KEY", "sekrit"));

        assertThat(config.observability().metrics()).isFalse();
        assertThat(config.observability().tracing()).contains(new TracingConfig(
                URI.create("http://127.0.0.1:4318/v1/traces"), 0.25, "gatekit", Map.of("x-api-key", "sekrit")));
    }

    @Test
    void aBadRatioOrEndpoint_isReportedAtItsLine() {
        List<ConfigProblem> problems = problems(BASE + """
                observability:
                  tracing:
                    enabled: true
                    endpoint: "grpc://collector:4317"
                    sample_ratio: 2
                """);

        assertThat(problems).extracting(p -> p.location().field())
                .containsExactlyInAnyOrder("observability.tracing.endpoint", "observability.tracing.sample_ratio");
        assertThat(problems).allSatisfy(p -> assertThat(p.location().line()).isGreaterThan(5));
    }

    @Test
    void anUnknownKey_isRefused() {
        assertThat(problems(BASE + "observability: {tracing: {enabeld: true}}"))
                .singleElement().satisfies(p -> assertThat(p.location().field()).startsWith("observability.tracing"));
    }
}
