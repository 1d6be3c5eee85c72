package io.gatekit.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a stdio upstream is confined ({@code sandbox}; Linux, bubblewrap). The first three keys are the Python
 * Gatekit's and mean what they meant there; the rest are Gatekit's own.
 *
 * @param enabled whether the upstream runs sandboxed at all (default false); when it is and the sandbox cannot be
 *     set up, the upstream does not start (fail closed)
 * @param paths directories and files the server may read and write ({@code paths}), absolute; no globs
 * @param network whether the server keeps the host's network ({@code network}, default true); false leaves it
 *     only a loopback interface of its own
 * @param readOnlyPaths directories and files the server may read but not change ({@code read_only_paths}), on top of
 *     the system directories and the ones its command needs
 * @param maxMemoryMb a ceiling on each process's data memory (heap), in MiB ({@code max_memory_mb}): an allocation
 *     beyond it fails
 * @param maxCpuSeconds a ceiling on each process's CPU time, in seconds ({@code max_cpu_seconds}): past it the
 *     kernel kills the process and the gateway restarts the upstream
 */
public record SandboxConfig(boolean enabled, List<Path> paths, boolean network, List<Path> readOnlyPaths,
        OptionalInt maxMemoryMb, OptionalInt maxCpuSeconds) {

    /** No sandbox: the default. */
    public static final SandboxConfig OFF = new SandboxConfig(false, List.of(), true, List.of(), OptionalInt.empty(),
            OptionalInt.empty());

    public SandboxConfig {
        paths = List.copyOf(paths);
        readOnlyPaths = List.copyOf(readOnlyPaths);
        Objects.requireNonNull(maxMemoryMb, "maxMemoryMb");
        Objects.requireNonNull(maxCpuSeconds, "maxCpuSeconds");
        if (paths.stream().anyMatch(p -> !p.isAbsolute()) || readOnlyPaths.stream().anyMatch(p -> !p.isAbsolute())) {
            throw new IllegalArgumentException("sandbox paths must be absolute");
        }
        if (maxMemoryMb.orElse(1) < 1 || maxCpuSeconds.orElse(1) < 1) {
            throw new IllegalArgumentException("sandbox limits must be positive");
        }
    }

    /** Whether the sandboxed processes get resource limits (memory or CPU). */
    public boolean limitsResources() {
        return maxMemoryMb.isPresent() || maxCpuSeconds.isPresent();
    }
}
