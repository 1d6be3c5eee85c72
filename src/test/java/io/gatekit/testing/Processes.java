package io.gatekit.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How tests launch Gatekit itself (gateway or demo server) as a real child process. */
public final class Processes {
    private Processes() {}

    public static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    public static String classpath() {
        return System.getProperty("java.class.path");
    }

    /** The command line that runs {@code io.gatekit.cli.Main} with the given arguments. */
    public static List<String> gatekit(String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", classpath(), "io.gatekit.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }

    /** The demo server command, as a YAML flow list for configs. */
    public static String demoServerYaml() {
        return yamlList(gatekit("demo-server"));
    }

    public static String yamlList(List<String> items) {
        StringBuilder yaml = new StringBuilder("[");
        for (String item : items) {
            yaml.append(yaml.length() > 1 ? ", " : "").append('"').append(item.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return yaml.append(']').toString();
    }

    /** Path to an installed interop peer under interop/peers/node_modules. */
    public static Path peer(String relative) {
        return Path.of(System.getProperty("user.dir"), "interop", "peers", "node_modules").resolve(relative);
    }
}
