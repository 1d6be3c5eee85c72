package io.gatekit.plugins;

import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.Processes;
import io.gatekit.testing.TestClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party plugin as a user ships one: its source compiled against Gatekit, packed in a jar with a
 * {@code META-INF/services} entry, dropped in {@code plugins/} next to the config file. Gatekit finds it, checks its
 * options against its schema, and runs it.
 */
@Timeout(120)
class PluginJarTest {
    private static final String SOURCE = """
            package com.example.gate;

            import io.gatekit.jsonrpc.JsonRpcMessage.Request;
            import io.gatekit.plugins.*;
            import tools.jackson.databind.JsonNode;
            import tools.jackson.databind.json.JsonMapper;
            import tools.jackson.databind.node.ObjectNode;

            public final class SuffixFactory implements PluginFactory {
                public String handler() { return "example_suffix"; }
                public PluginKind kind() { return PluginKind.MIDDLEWARE; }
                public String description() { return "Appends a suffix to every echo message."; }
                public JsonNode optionsSchema() {
                    return JsonMapper.shared().readTree(
                        "{\\"additionalProperties\\": false, \\"required\\": [\\"suffix\\"],"
                        + " \\"properties\\": {\\"suffix\\": {\\"type\\": \\"string\\"}}}");
                }
                public Plugin create(PluginSetup setup) {
                    String suffix = setup.options().get("suffix").asString();
                    return new MiddlewarePlugin() {
                        public PluginDecision onRequest(Request request, PluginContext context) {
                            if (!request.method().equals("tools/call")) {
                                return PluginDecision.pass();
                            }
                            ObjectNode params = (ObjectNode) request.params().deepCopy();
                            ObjectNode args = (ObjectNode) params.get("arguments");
                            args.put("message", args.get("message").asString() + suffix);
                            return PluginDecision.modify(request.withParams(params), "suffixed");
                        }
                    };
                }
            }
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void buildPluginJar() throws IOException {
        Path sources = Files.createDirectories(dir.resolve("src/com/example/gate"));
        Files.writeString(sources.resolve("SuffixFactory.java"), SOURCE);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path"), sources.resolve("SuffixFactory.java").toString());
        assertThat(status).as("the plugin compiles against Gatekit").isZero();
        Path jar = Files.createDirectories(dir.resolve(PluginRegistry.PLUGIN_DIRECTORY)).resolve("suffix.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + PluginFactory.class.getName()));
            write(out, "com.example.gate.SuffixFactory\n");
            out.closeEntry();
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    private String config(String options) {
        return """
                proxy:
                  transport: stdio
                  upstreams:
                    - name: demo
                      command: %DEMO%
                plugins:
                  middleware:
                    _global:
                      - handler: example_suffix
                        config: OPTIONS
                """.replace("OPTIONS", options);
    }

    @Test
    void aJarInThePluginsDirectoryIsFoundAndRuns() {
        PluginRegistry registry = PluginRegistry.discover(dir);
        assertThat(registry.factory("example_suffix")).isNotNull();
        assertThat(PluginRegistry.builtIn().factory("example_suffix")).as("not on the class path").isNull();
        try (GatewayFixture fixture = GatewayFixture.start(config("{suffix: \"!\"}"), registry)) {
            TestClient client = fixture.connect();
            client.initialize(null);
            assertThat(TestClient.text(client.call("tools/call", toolCall("demo__echo", "message", "hi")))).isEqualTo("hi!");
        }
    }

    @Test
    void validateChecksTheJarPluginsOptionsAgainstItsSchema() throws Exception {
        Path file = dir.resolve("gatekit.yaml");
        Files.writeString(file, config("{sufix: \"!\"}").replace("%DEMO%", "[\"true\"]"));
        Process process = new ProcessBuilder(Processes.gatekit("validate", "--config", file.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(stderr).contains("gatekit.yaml:10:").contains("unknown option 'sufix' for example_suffix; did you mean 'suffix'?")
                .contains("missing required option 'suffix'");
        assertThat(List.of(stderr.split("\n"))).anyMatch(line -> line.contains("plugins.middleware._global[0].config"));
    }
}
