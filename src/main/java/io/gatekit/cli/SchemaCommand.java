package io.gatekit.cli;

import io.gatekit.plugins.ConfigSchema;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code gatekit schema}: prints the configuration's JSON Schema, plugin options included, for editors (point a
 * YAML language server at it). With {@code --config}, the plugin jars next to that file are covered too.
 */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Print the configuration's JSON Schema (with every plugin's options) for editor completion.")
final class SchemaCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() {
        System.out.println(JsonMapper.shared().writerWithDefaultPrettyPrinter()
                .writeValueAsString(ConfigSchema.generate(options.registry())));
        return 0;
    }
}
