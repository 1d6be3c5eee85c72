package io.gatekit.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatekit.config.SandboxConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fail closed: whatever is missing, the answer is an exception that says what to do, never an unconfined command. */
class SandboxTest {
    @TempDir
    Path dir;

    private static final SandboxConfig LIMITED = new SandboxConfig(true, List.of(), false, List.of(), OptionalInt.of(64),
            OptionalInt.of(30));
    private static final List<String> COMMAND = List.of("python3", "server.py");

    @Test
    void noBubblewrap_failsWithTheInstallHint() {
        Sandbox sandbox = new Sandbox(dir.toString(), "Linux");

        assertThatThrownBy(() -> sandbox.wrap(LIMITED, COMMAND, Path.of("/usr/bin/python3"), Optional.empty(), Set.of()))
                .isInstanceOf(SandboxUnavailableException.class)
                .hasMessageContaining("bubblewrap (bwrap) is not on the gateway's PATH")
                .hasMessageContaining("apt-get install bubblewrap");
    }

    @Test
    void notLinux_fails() {
        Sandbox sandbox = new Sandbox("/usr/bin", "Mac OS X");

        assertThatThrownBy(() -> sandbox.requireBubblewrap())
                .isInstanceOf(SandboxUnavailableException.class)
                .hasMessageContaining("needs Linux").hasMessageContaining("Mac OS X");
    }

    @Test
    void bubblewrapThatCannotSandbox_fails() throws Exception {
        Path fake = Files.writeString(dir.resolve("bwrap"), "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n");
        assertThat(fake.toFile().setExecutable(true)).isTrue();
        Sandbox sandbox = new Sandbox(dir.toString(), "Linux");

        assertThatThrownBy(() -> sandbox.requireBubblewrap())
                .isInstanceOf(SandboxUnavailableException.class)
                .hasMessageContaining("No permissions to create new namespace")
                .hasMessageContaining("user namespaces");
    }

    @Test
    void limitsWithoutPrlimit_fail() throws Exception {
        Path bwrap = realBubblewrap();
        Files.createSymbolicLink(dir.resolve("bwrap"), bwrap);
        Sandbox sandbox = new Sandbox(dir.toString(), "Linux");

        assertThatThrownBy(() -> sandbox.wrap(LIMITED, COMMAND, Path.of("/usr/bin/python3"), Optional.empty(), Set.of()))
                .isInstanceOf(SandboxUnavailableException.class).hasMessageContaining("prlimit");
    }

    @Test
    void limits_comeFirst_thenBubblewrap_thenTheCommand() throws Exception {
        realBubblewrap();
        List<String> command = Sandbox.onThisHost().wrap(LIMITED, COMMAND, Path.of("/usr/bin/python3"), Optional.empty(),
                Set.of());

        assertThat(Path.of(command.get(0)).getFileName()).hasToString("prlimit");
        assertThat(command.subList(1, 4)).containsExactly("--data=" + 64L * 1024 * 1024, "--cpu=30", "--");
        assertThat(Path.of(command.get(4)).getFileName()).hasToString("bwrap");
        assertThat(command.subList(command.size() - 2, command.size())).isEqualTo(COMMAND);
    }

    private static Path realBubblewrap() {
        try {
            return Sandbox.onThisHost().requireBubblewrap();
        } catch (SandboxUnavailableException e) {
            assumeTrue(false, "bubblewrap cannot run here: " + e.getMessage());
            throw new AssertionError(e);
        }
    }
}
