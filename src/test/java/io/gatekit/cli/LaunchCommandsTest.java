package io.gatekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The launch forms recognised without picocli mean exactly what picocli makes of the same words, and everything
 * else is left to picocli.
 */
class LaunchCommandsTest {

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "gateway --config a.yaml", "gateway -c a.yaml", "gateway --config=a.yaml",
            "gateway -v", "gateway --verbose --config dir/a.yaml", "gateway -c a.yaml -v", "gateway --config=b.yaml --verbose"})
    void gatewayForms_matchPicocli(String line) {
        List<String> args = List.of(line.split(" "));

        Callable<Integer> quick = LaunchCommands.match(args).orElseThrow();

        GatewayCommand parsed = picocli(args);
        assertThat(quick).isInstanceOfSatisfying(GatewayCommand.class, gateway -> {
            assertThat(gateway.options.config).isEqualTo(parsed.options.config);
            assertThat(gateway.verbose).isEqualTo(parsed.verbose);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway --help", "gateway -h", "gateway --version", "gateway -c", "gateway --config=",
            "gateway -c a.yaml -c b.yaml", "gateway -v -v", "gateway --conf a.yaml", "gateway extra", "gateway -c -v",
            "gateway -vc a.yaml", "demo-server --help", "demo-server x", "validate", "--version", "help gateway"})
    void otherForms_areLeftToPicocli(String line) {
        assertThat(LaunchCommands.match(List.of(line.split(" ")))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "gateway"})
    void emptyOrBare_gatewayOnlyForTheSubcommand(String line) {
        List<String> args = line.isEmpty() ? List.of() : List.of(line);

        assertThat(LaunchCommands.match(args).isPresent()).isEqualTo(!line.isEmpty());
    }

    @org.junit.jupiter.api.Test
    void demoServer_isTheDemoServerCommand() {
        assertThat(LaunchCommands.match(List.of("demo-server"))).get().isInstanceOf(DemoServerCommand.class);
    }

    private static GatewayCommand picocli(List<String> args) {
        CommandLine.ParseResult result = new CommandLine(new GatekitCommand()).parseArgs(args.toArray(String[]::new));
        return (GatewayCommand) result.subcommand().commandSpec().userObject();
    }
}
