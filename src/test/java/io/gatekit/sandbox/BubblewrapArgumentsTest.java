package io.gatekit.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.config.SandboxConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a sandboxed server is shown, read from the arguments alone (no bubblewrap needed). */
class BubblewrapArgumentsTest {
    @TempDir
    Path dir;

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private static SandboxConfig config(List<Path> paths, boolean network, List<Path> readOnly) {
        return new SandboxConfig(true, paths, network, readOnly, OptionalInt.empty(), OptionalInt.empty());
    }

    @Test
    void credentials_areHiddenAfterTheBindThatWouldShowThem() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(home.resolve(".ssh"));
        Files.createDirectories(home.resolve(".config/gcloud"));
        Files.writeString(home.resolve(".vault-token"), "s.token");

        List<String> args = BubblewrapArguments.of(config(List.of(home), false, List.of()), List.of("python3", "-V"),
                PYTHON, Optional.empty(), Set.of(home));

        int bind = indexOf(args, "--bind", home.toString(), home.toString());
        assertThat(bind).isNotNegative();
        assertThat(indexOf(args, "--tmpfs", home.resolve(".ssh").toString())).isGreaterThan(bind);
        assertThat(indexOf(args, "--tmpfs", home.resolve(".config/gcloud").toString())).isGreaterThan(bind);
        assertThat(indexOf(args, "--ro-bind", "/dev/null", home.resolve(".vault-token").toString())).isGreaterThan(bind);
        assertThat(args).as("a credential that does not exist needs nothing").doesNotContain(home.resolve(".aws").toString());
    }

    @Test
    void credentialsOfAHomeNotShown_needNoCover() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(home.resolve(".ssh"));

        List<String> args = BubblewrapArguments.of(config(List.of(), true, List.of()), List.of("python3"), PYTHON,
                Optional.empty(), Set.of(home));

        assertThat(args).doesNotContain(home.resolve(".ssh").toString());
    }

    @Test
    void network_isUnsharedUnlessKept() {
        List<String> off = BubblewrapArguments.of(config(List.of(), false, List.of()), List.of("python3"), PYTHON,
                Optional.empty(), Set.of());
        List<String> on = BubblewrapArguments.of(config(List.of(), true, List.of()), List.of("python3"), PYTHON,
                Optional.empty(), Set.of());

        assertThat(off).contains("--unshare-all", "--die-with-parent").doesNotContain("--share-net");
        assertThat(on).contains("--unshare-all", "--share-net");
        assertThat(indexOf(off, "--cap-drop", "ALL")).as("no capabilities, even for root").isNotNegative();
    }

    @Test
    void systemIsReadOnly_andTmpIsPrivate() {
        List<String> args = BubblewrapArguments.of(config(List.of(), false, List.of()), List.of("python3"), PYTHON,
                Optional.empty(), Set.of());

        assertThat(indexOf(args, "--ro-bind", "/usr", "/usr")).isNotNegative();
        assertThat(indexOf(args, "--ro-bind", "/etc", "/etc")).isNotNegative();
        assertThat(indexOf(args, "--tmpfs", "/tmp")).isNotNegative();
        assertThat(args).doesNotContain("--bind");
    }

    @Test
    void commandNeeds_areShownReadOnly() throws Exception {
        Path venv = Files.createDirectories(dir.resolve("venv/bin"));
        Path python = Files.writeString(venv.resolve("python"), "");
        Path scripts = Files.createDirectories(dir.resolve("scripts"));
        Path script = Files.writeString(scripts.resolve("server.py"), "");
        Path work = Files.createDirectories(dir.resolve("work"));

        List<String> args = BubblewrapArguments.of(config(List.of(), false, List.of()),
                List.of(python.toString(), script.toString(), "--flag"), python, Optional.of(work), Set.of());

        Path installation = venv.getParent();
        assertThat(indexOf(args, "--ro-bind", installation.toString(), installation.toString())).isNotNegative();
        assertThat(indexOf(args, "--ro-bind", scripts.toString(), scripts.toString())).isNotNegative();
        assertThat(indexOf(args, "--ro-bind", work.toString(), work.toString())).isNotNegative();
        assertThat(indexOf(args, "--chdir", work.toString())).isNotNegative();
        assertThat(args.subList(args.indexOf("--") + 1, args.size()))
                .containsExactly(python.toString(), script.toString(), "--flag");
    }

    @Test
    void scriptInAnNpmPackage_showsItsNodeModules_notTheProject() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        Path dist = Files.createDirectories(project.resolve("node_modules/@scope/server/dist"));
        Path script = Files.writeString(dist.resolve("index.js"), "");

        List<String> args = BubblewrapArguments.of(config(List.of(), false, List.of()),
                List.of("node", script.toString()), Path.of("/usr/bin/node"), Optional.empty(), Set.of());

        Path modules = project.resolve("node_modules");
        assertThat(indexOf(args, "--ro-bind", modules.toString(), modules.toString())).isNotNegative();
        assertThat(args).doesNotContain(project.toString(), dist.toString());
    }

    @Test
    void configuredPaths_readOnlyThenReadWrite_missingOnesLeftOut() throws Exception {
        Path docs = Files.createDirectories(dir.resolve("docs"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Path missing = dir.resolve("missing");

        List<String> args = BubblewrapArguments.of(config(List.of(data, missing), false, List.of(docs)),
                List.of("python3"), PYTHON, Optional.empty(), Set.of());

        assertThat(indexOf(args, "--ro-bind", docs.toString(), docs.toString())).isNotNegative();
        assertThat(indexOf(args, "--bind", data.toString(), data.toString())).isNotNegative();
        assertThat(args).doesNotContain(missing.toString());
    }

    @Test
    void theRoot_isNeverShownWhole() {
        List<String> args = BubblewrapArguments.of(config(List.of(Path.of("/")), false, List.of()), List.of("python3"),
                PYTHON, Optional.of(Path.of("/")), Set.of());

        assertThat(indexOf(args, "--bind", "/", "/")).isNegative();
        assertThat(indexOf(args, "--ro-bind", "/", "/")).isNegative();
    }

    /** Where {@code words} appear in a row in {@code args}, or -1. */
    private static int indexOf(List<String> args, String... words) {
        return java.util.Collections.indexOfSubList(args, List.of(words));
    }
}
