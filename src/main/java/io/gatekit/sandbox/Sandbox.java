package io.gatekit.sandbox;

import io.gatekit.config.SandboxConfig;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Wraps a stdio upstream's command in bubblewrap, and in prlimit when it has resource limits, after checking that
 * both work on this host. Any doubt is a {@link SandboxUnavailableException}: the caller must not start the upstream
 * unconfined. Stateless: each start checks again (a few milliseconds), so installing bubblewrap fixes a failing
 * upstream at its next restart.
 */
public final class Sandbox {
    private static final long PROBE_SECONDS = 5;
    private static final String INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap;"
            + " Fedora: dnf install bubblewrap; Arch: pacman -S bubblewrap)";

    private final String searchPath;
    private final String osName;

    /** A sandbox that finds its tools on {@code searchPath} (a PATH value) on an OS named {@code osName}. */
    Sandbox(String searchPath, String osName) {
        this.searchPath = searchPath;
        this.osName = osName;
    }

    /** The sandbox of this host: tools from the gateway's own PATH. */
    public static Sandbox onThisHost() {
        String path = System.getenv("PATH");
        return new Sandbox(path == null ? "/usr/bin:/bin" : path, System.getProperty("os.name", ""));
    }

    /**
     * The command that runs {@code command} confined by {@code config}: {@code [prlimit ... --] bwrap ... -- command}.
     *
     * @param program where the command's program resolved on the child's PATH
     * @param cwd the configured working directory, if any
     * @param homes home directories whose credentials to hide (the gateway's and the child's {@code HOME})
     * @throws SandboxUnavailableException when bubblewrap (or prlimit, for limits) is missing or does not work here
     */
    public List<String> wrap(SandboxConfig config, List<String> command, Path program, Optional<Path> cwd, Set<Path> homes)
            throws SandboxUnavailableException {
        Path bwrap = requireBubblewrap();
        List<String> argv = new ArrayList<>();
        if (config.limitsResources()) {
            argv.add(find("prlimit").orElseThrow(() -> new SandboxUnavailableException(
                    "prlimit is not on the gateway's PATH; it sets max_memory_mb and max_cpu_seconds (install util-linux)"))
                    .toString());
            // Soft and hard alike, so the server cannot raise its own limit.
            config.maxMemoryMb().ifPresent(mb -> argv.add("--data=" + (long) mb * 1024 * 1024));
            config.maxCpuSeconds().ifPresent(seconds -> argv.add("--cpu=" + seconds));
            argv.add("--");
        }
        argv.add(bwrap.toString());
        argv.addAll(BubblewrapArguments.of(config, command, program, cwd, homes));
        return List.copyOf(argv);
    }

    /**
     * Where bubblewrap is, once it has run a trial sandbox here.
     *
     * @throws SandboxUnavailableException saying why not, and what to do
     */
    public Path requireBubblewrap() throws SandboxUnavailableException {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new SandboxUnavailableException("sandboxing needs Linux with bubblewrap; this is " + osName
                    + " (set sandbox.enabled: false to run this upstream unconfined)");
        }
        Path bwrap = find("bwrap").orElseThrow(() -> new SandboxUnavailableException(
                "bubblewrap (bwrap) is not on the gateway's PATH: " + INSTALL_HINT));
        probe(bwrap);
        return bwrap;
    }

    /**
     * Runs bubblewrap once with the namespaces a sandbox uses: where user namespaces are disabled or restricted
     * (containers, Ubuntu's AppArmor rule since 23.10), this is where it shows.
     */
    private static void probe(Path bwrap) throws SandboxUnavailableException {
        List<String> probe = List.of(bwrap.toString(), "--die-with-parent", "--unshare-all", "--cap-drop", "ALL",
                "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--", "true");
        try {
            Process process = new ProcessBuilder(probe).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).start();
            // The output is a line or two: it fits the pipe, so the process never waits for it to be read.
            if (!process.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new SandboxUnavailableException("bubblewrap did not finish a trial run in " + PROBE_SECONDS + " s");
            }
            String output;
            try (InputStream out = process.getInputStream()) {
                output = new String(out.readNBytes(4096), StandardCharsets.UTF_8).strip();
            }
            if (process.exitValue() != 0) {
                throw new SandboxUnavailableException("bubblewrap cannot create a sandbox here (" + output + "); it needs"
                        + " user namespaces: check kernel.unprivileged_userns_clone, the AppArmor restriction"
                        + " kernel.apparmor_restrict_unprivileged_userns on Ubuntu 23.10+, or the container's privileges");
            }
        } catch (IOException e) {
            throw new SandboxUnavailableException("cannot run " + bwrap + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxUnavailableException("interrupted while checking bubblewrap");
        }
    }

    private Optional<Path> find(String program) {
        for (String dir : searchPath.split(File.pathSeparator, -1)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
