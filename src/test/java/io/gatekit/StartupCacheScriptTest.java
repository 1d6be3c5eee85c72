package io.gatekit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers' choice of JVM options (scripts/jvm.sh, ADR 0019): the AOT cache is used only when one exists for the
 * jar's exact content, since JDK 25.0.3 would run a stale cache's old classes; a missing cache means running without
 * one. No training run here: the cache files are stand-ins, the choice is what is tested.
 */
class StartupCacheScriptTest {
    @TempDir
    Path dir;

    @Test
    void noCache_runsWithoutOne() throws Exception {
        Path jar = Files.writeString(dir.resolve("gatekit.jar"), "first build");

        assertThat(options(jar)).contains("-XX:+UseSerialGC").noneMatch(o -> o.startsWith("-XX:AOTCache"));
    }

    @Test
    void theJarsOwnCache_isUsed_andPassedOnToChildJvms() throws Exception {
        Path jar = Files.writeString(dir.resolve("gatekit.jar"), "first build");
        Path cache = Files.writeString(dir.resolve("gatekit-" + sha256(jar) + ".aot"), "stand-in");

        List<String> lines = run(jar, "gatekit_java_options \"$1\" java; printf '%s\\n' \"${GATEKIT_JAVA_OPTIONS[@]}\"; "
                + "echo \"children: $GATEKIT_JVM_OPTIONS\"");

        assertThat(lines).contains("-XX:AOTCache=" + cache);
        assertThat(lines.getLast()).startsWith("children: ").contains("\"-XX:AOTCache=" + cache + "\"");
    }

    @Test
    void aRebuiltJar_neverGetsTheOldCache() throws Exception {
        Path jar = Files.writeString(dir.resolve("gatekit.jar"), "first build");
        Files.writeString(dir.resolve("gatekit-" + sha256(jar) + ".aot"), "stand-in");
        assertThat(options(jar)).anyMatch(o -> o.startsWith("-XX:AOTCache"));

        Files.writeString(jar, "second build");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));

        assertThat(options(jar)).noneMatch(o -> o.startsWith("-XX:AOTCache"));
    }

    @Test
    void theHash_isRememberedBesideTheJar_andRecomputedWhenItChanges() throws Exception {
        Path jar = Files.writeString(dir.resolve("gatekit.jar"), "first build");
        assertThat(run(jar, "gatekit_jar_sha256 \"$1\"")).containsExactly(sha256(jar));
        assertThat(Files.readString(dir.resolve("gatekit.jar.sha256"))).contains(sha256(jar));

        Files.writeString(jar, "second build, longer");

        assertThat(run(jar, "gatekit_jar_sha256 \"$1\"")).containsExactly(sha256(jar));
    }

    @Test
    void offMeansNoCache() throws Exception {
        Path jar = Files.writeString(dir.resolve("gatekit.jar"), "first build");
        Files.writeString(dir.resolve("gatekit-" + sha256(jar) + ".aot"), "stand-in");

        assertThat(run(jar, "GATEKIT_AOT=off gatekit_java_options \"$1\" java; printf '%s\\n' \"${GATEKIT_JAVA_OPTIONS[@]}\""))
                .noneMatch(o -> o.startsWith("-XX:AOTCache"));
    }

    private List<String> options(Path jar) throws IOException, InterruptedException {
        return run(jar, "gatekit_java_options \"$1\" java; printf '%s\\n' \"${GATEKIT_JAVA_OPTIONS[@]}\"");
    }

    /** Runs {@code script} in bash with scripts/jvm.sh sourced and the jar as $1; its stdout lines. */
    private List<String> run(Path jar, String script) throws IOException, InterruptedException {
        Path jvmSh = Path.of("scripts/jvm.sh").toAbsolutePath();
        Process bash = new ProcessBuilder("bash", "-c", "set -euo pipefail; . \"$0\"; " + script, jvmSh.toString(),
                jar.toString()).redirectErrorStream(true).start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bash.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
