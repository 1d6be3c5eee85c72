package io.gatekit.upstream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment an upstream process starts with. Not the gateway's whole environment, which holds whatever
 * credentials it was started with (cloud keys, tokens for other upstreams' headers): like the official MCP SDKs'
 * stdio clients, only a small set that programs need to run (the sudo-inspired list of the TypeScript and Python
 * SDKs), then the upstream's own {@code env}. {@code inherit_env: true} opts one upstream into everything.
 */
final class ChildEnvironment {
    /** What the official SDKs pass by default on POSIX systems. */
    static final List<String> POSIX_SAFE = List.of("HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER");
    /** Their Windows list, for completeness (Gatekit itself targets POSIX). */
    static final List<String> WINDOWS_SAFE = List.of("APPDATA", "HOMEDRIVE", "HOMEPATH", "LOCALAPPDATA", "PATH",
            "PROCESSOR_ARCHITECTURE", "SYSTEMDRIVE", "SYSTEMROOT", "TEMP", "USERNAME", "USERPROFILE", "PROGRAMFILES");

    private ChildEnvironment() {}

    /**
     * The child's environment: from {@code gateway}, the safe names (or all of them when {@code inheritAll}), then
     * {@code configured} on top. Values that start with {@code ()} (exported shell functions) are never passed
     * implicitly, as the SDKs do: a shell would run them.
     */
    static Map<String, String> of(Map<String, String> gateway, Map<String, String> configured, boolean inheritAll) {
        Map<String, String> env = new LinkedHashMap<>();
        if (inheritAll) {
            env.putAll(gateway);
        } else {
            boolean windows = System.getProperty("os.name", "").startsWith("Windows");
            for (String name : windows ? WINDOWS_SAFE : POSIX_SAFE) {
                String value = gateway.get(name);
                if (value != null && !value.startsWith("()")) {
                    env.put(name, value);
                }
            }
        }
        env.putAll(configured);
        return env;
    }
}
