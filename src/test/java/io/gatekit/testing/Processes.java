package io.gatekit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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

    /**
     * The command line that runs {@code io.gatekit.cli.Main} with the given arguments. The class path goes in through
     * a java argument file ({@link ClassPathArgFile}), so that the command line stays short: the JDK reads at most
     * 4096 bytes of another process's command line ({@code ProcessHandle.Info}), and tests recognise children by
     * the arguments after the class path ({@code demo-server}).
     */
    public static List<String> gatekit(String... args) {
        return javaMain("io.gatekit.cli.Main", args);
    }

    /** The command line that runs {@code mainClass} (on this JVM's class path) with the given arguments. */
    public static List<String> javaMain(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                ClassPathArgFile.ARGUMENT, mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /** {@code @<file>} holding {@code -cp <this JVM's class path>}; written once per test JVM, deleted on exit. */
    private static final class ClassPathArgFile {
        static final String ARGUMENT = "@" + write();

        private static Path write() {
            try {
                Path file = Files.createTempFile("gatekit-test-classpath", ".args");
                file.toFile().deleteOnExit();
                // Quoted, with backslashes and quotes escaped: the argument-file syntax of the java launcher.
                String quoted = "\"" + classpath().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
                Files.writeString(file, "-cp " + quoted + System.lineSeparator());
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the class-path argument file", e);
            }
        }
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
