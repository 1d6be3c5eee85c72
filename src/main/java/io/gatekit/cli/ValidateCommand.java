package io.gatekit.cli;

import io.gatekit.config.ConfigException;
import io.gatekit.config.GatewayConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gatekit validate --config FILE}: checks a config; exit 0 when valid, 1 with every problem listed. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a configuration file and report every problem with file, line and field.")
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() {
        try {
            GatewayConfig config = options.load();
            System.err.println("OK: " + config.source().map(Object::toString).orElse("embedded default") + " ("
                    + config.proxy().upstreams().size() + " upstreams, " + config.proxy().enabledUpstreams().size()
                    + " enabled)");
            return 0;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }
}
