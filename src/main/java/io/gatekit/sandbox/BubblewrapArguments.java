package io.gatekit.sandbox;

import io.gatekit.config.SandboxConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a sandboxed server sees, as bubblewrap arguments. It starts from an empty root and gets: the system
 * directories read-only, its own {@code /proc}, a minimal {@code /dev}, an empty {@code /tmp}; read-only, whatever
 * its command needs that the system directories do not hold (the program's installation, the directories of files
 * named in its arguments or the {@code node_modules} holding them, its {@code cwd}) and the package managers' caches; the configured {@code read_only_paths}
 * read-only and {@code paths} read-write; then, last so that no bind above can show them again, empty stand-ins over
 * credential directories and files. Every namespace is its own (the network one kept only with {@code network}),
 * every capability dropped (the gateway may run as root), and the server dies with the gateway.
 *
 * <p>Paths that do not exist are left out with a warning: bubblewrap would refuse to start otherwise.
 */
final class BubblewrapArguments {
    private static final Logger log = LoggerFactory.getLogger(BubblewrapArguments.class);

    /** Real directories of the system, shown read-only. */
    static final List<Path> SYSTEM_DIRECTORIES = List.of(Path.of("/usr"), Path.of("/etc"), Path.of("/opt"), Path.of("/nix"));
    /** Top-level names that are symbolic links into /usr on merged-/usr systems and directories elsewhere. */
    static final List<Path> SYSTEM_LINKS = List.of(Path.of("/bin"), Path.of("/sbin"), Path.of("/lib"), Path.of("/lib32"),
            Path.of("/lib64"), Path.of("/libx32"));
    /** Where credentials live under a home directory (the Python original's list). */
    static final List<String> CREDENTIALS = List.of(".ssh", ".gnupg", ".aws", ".azure", ".config/gcloud", ".kube",
            ".docker", ".git-credentials", ".vault-token", ".terraform.d");
    /** System files a process running as root could read even without capabilities. */
    static final List<Path> SYSTEM_SECRETS = List.of(Path.of("/etc/shadow"), Path.of("/etc/gshadow"));
    /** Caches npx and uvx write while they fetch a server. */
    static final List<String> WRITABLE_CACHES = List.of(".npm", ".cache");
    /** Installed tools; read-only, as its bin directory is on the user's PATH outside the sandbox. */
    static final List<String> READABLE_TOOLS = List.of(".local");

    private final List<String> args = new ArrayList<>();
    private final List<Path> visible = new ArrayList<>();

    private BubblewrapArguments() {}

    /**
     * The arguments that follow {@code bwrap} for {@code command}, whose program resolved to {@code program} on the
     * child's PATH, started in {@code cwd} when one is configured, with {@code homes} the home directories whose
     * credentials to hide.
     */
    static List<String> of(SandboxConfig config, List<String> command, Path program, Optional<Path> cwd, Set<Path> homes) {
        BubblewrapArguments b = new BubblewrapArguments();
        b.namespaces(config.network());
        b.system(config.network());
        b.commandNeeds(command, program, cwd);
        for (Path home : homes) {
            WRITABLE_CACHES.forEach(name -> b.bindIfPresent("--bind", home.resolve(name)));
            READABLE_TOOLS.forEach(name -> b.bindIfPresent("--ro-bind", home.resolve(name)));
        }
        config.readOnlyPaths().forEach(path -> b.bindConfigured("--ro-bind", path, "read_only_paths"));
        config.paths().forEach(path -> b.bindConfigured("--bind", path, "paths"));
        b.hideCredentials(homes);
        cwd.ifPresent(dir -> b.add("--chdir", dir.toString()));
        b.args.add("--");
        b.args.addAll(command);
        return List.copyOf(b.args);
    }

    private void namespaces(boolean network) {
        args.add("--die-with-parent");
        args.add("--unshare-all");
        if (network) {
            args.add("--share-net");
        }
        add("--cap-drop", "ALL");
    }

    private void system(boolean network) {
        for (Path dir : SYSTEM_DIRECTORIES) {
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                bind("--ro-bind", dir);
            }
        }
        for (Path link : SYSTEM_LINKS) {
            if (Files.isSymbolicLink(link)) {
                try {
                    add("--symlink", Files.readSymbolicLink(link).toString(), link.toString());
                    visible.add(link);
                } catch (IOException e) {
                    log.debug("cannot read the link {}: {}", link, e.toString());
                }
            } else if (Files.isDirectory(link)) {
                bind("--ro-bind", link);
            }
        }
        args.add("--proc");
        args.add("/proc");
        args.add("--dev");
        args.add("/dev");
        args.add("--tmpfs");
        args.add("/tmp");
        if (network) {
            // A resolver configuration kept elsewhere (systemd-resolved's /run/...) must be there for DNS to work.
            realPath(Path.of("/etc/resolv.conf")).filter(real -> !isVisible(real)).ifPresent(real -> bind("--ro-bind", real));
        }
    }

    /** The program's installation, the directories of files its arguments name, its working directory. */
    private void commandNeeds(List<String> command, Path program, Optional<Path> cwd) {
        Set<Path> needed = new LinkedHashSet<>();
        needed.add(installation(program));
        realPath(program).ifPresent(real -> needed.add(installation(real)));
        for (String word : command.subList(1, command.size())) {
            Path named = argumentPath(word, cwd);
            if (named != null && Files.isRegularFile(named)) {
                needed.add(scriptHome(named));
                realPath(named).ifPresent(real -> needed.add(scriptHome(real)));
            }
        }
        cwd.ifPresent(needed::add);
        for (Path path : needed) {
            if (!isVisible(path) && Files.exists(path)) {
                bind("--ro-bind", path);
            }
        }
    }

    /**
     * What a script needs: its directory, or for a script inside an npm package the outermost {@code node_modules}
     * holding it, where Node looks for the package's dependencies (not the project around it, which may hold
     * secrets such as {@code .env} files).
     */
    private static Path scriptHome(Path script) {
        Path home = parent(script);
        for (Path dir = script.getParent(); dir != null; dir = dir.getParent()) {
            Path name = dir.getFileName();
            if (name != null && name.toString().equals("node_modules")) {
                home = dir;
            }
        }
        return home;
    }

    /** A program in some {@code bin} directory belongs to the installation above it (a venv, a Node version). */
    private static Path installation(Path program) {
        Path dir = parent(program.toAbsolutePath());
        Path name = dir.getFileName();
        Path above = dir.getParent();
        return name != null && name.toString().equals("bin") && above != null && above.getParent() != null ? above : dir;
    }

    private static @Nullable Path argumentPath(String word, Optional<Path> cwd) {
        if (word.startsWith("-") || word.isEmpty() || word.indexOf('\0') >= 0) {
            return null;
        }
        try {
            Path path = Path.of(word);
            if (path.isAbsolute()) {
                return path.normalize();
            }
            return word.contains("/") || word.contains(".") ? cwd.orElse(Path.of("").toAbsolutePath()).resolve(path).normalize() : null;
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    private void bindConfigured(String option, Path path, String key) {
        if (Files.exists(path)) {
            bind(option, path);
        } else {
            log.warn("sandbox: {} entry {} does not exist; left out", key, path);
        }
    }

    private void bindIfPresent(String option, Path path) {
        if (Files.exists(path)) {
            bind(option, path);
        }
    }

    /**
     * Hides what exists and could be seen: a directory behind an empty tmpfs, a file behind an empty read-only one.
     * What no bind shows needs nothing: the sandbox's root is empty.
     */
    private void hideCredentials(Set<Path> homes) {
        List<Path> secrets = new ArrayList<>(SYSTEM_SECRETS);
        for (Path home : homes) {
            CREDENTIALS.forEach(name -> secrets.add(home.resolve(name)));
        }
        for (Path secret : secrets) {
            if (!isVisible(secret) || !Files.exists(secret, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (Files.isDirectory(secret, LinkOption.NOFOLLOW_LINKS)) {
                add("--tmpfs", secret.toString());
            } else {
                add("--ro-bind", "/dev/null", secret.toString());
            }
        }
    }

    private boolean isVisible(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return visible.stream().anyMatch(absolute::startsWith);
    }

    private void bind(String option, Path path) {
        if (path.getParent() == null) {
            log.warn("sandbox: not showing the whole file system ({}); list the directories the server needs", path);
            return;
        }
        add(option, path.toString(), path.toString());
        visible.add(path.toAbsolutePath().normalize());
    }

    private void add(String... words) {
        args.addAll(List.of(words));
    }

    /** The directory holding {@code path}; the root for the root (which {@link #bind} refuses to show). */
    private static Path parent(Path path) {
        return Objects.requireNonNullElse(path.getParent(), path);
    }

    private static Optional<Path> realPath(Path path) {
        try {
            return Optional.of(path.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
