package io.gatekit.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The system programs the scale-out tests run for real ({@code redis-server}, {@code nginx}; Debian packages that
 * {@code scripts/install-services.sh} installs). Where one is missing the test is skipped with a message saying
 * how to get it, except on CI ({@code CI} set), where a missing service is a failure rather than a silent skip.
 */
public final class SystemServices {
    private SystemServices() {}

    /** The program's path, or the test is skipped (failed on CI). */
    public static Path require(String program) {
        Optional<Path> found = find(program);
        if (found.isEmpty()) {
            String why = program + " is not installed: run scripts/install-services.sh (apt-get, as root)";
            if (System.getenv("CI") != null) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        return found.orElseThrow();
    }

    static Optional<Path> find(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + ":/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin").split(":")) {
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

    /** The programs a multi-instance test needs, all checked before anything starts. */
    public static void requireAll(List<String> programs) {
        programs.forEach(SystemServices::require);
    }
}
