package io.gatekit.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One upstream MCP server. The name prefixes its tools ({@code name__tool}), hence the strict name rule:
 * {@code ^[a-z][a-z0-9_-]*$} and no {@code __}.
 *
 * @param transport {@code stdio} (a child process: {@code command}, {@code env}, {@code cwd}), {@code http}
 *     ({@code url}, {@code tlsVerify}) or {@code sse}
 * @param command program and arguments, non-empty for stdio, empty for http
 * @param env variables for the child, on top of a safe few of the gateway's own (HOME, LOGNAME, PATH, SHELL, TERM,
 *     USER), or of all of them with {@code inheritEnv}
 * @param limits what the gateway lets through to it: the in-flight ceiling, the wait queue's bound, per-tool
 *     ceilings and a rate limit
 * @param maxRestartAttempts 0 means unlimited
 * @param serverIdentity the {@code serverInfo.name} the server is expected to report, if pinned
 * @param caFile PEM CA certificates an https upstream's certificate must chain to, instead of the JDK's defaults
 * @param headers HTTP headers for an http upstream (credentials come from ${VAR}, never from the client)
 * @param forwardRoots whether the upstream may ask clients for their roots ({@code forward_roots}, default true);
 *     false keeps a server such as server-filesystem on its configured directories whatever clients say
 * @param protocolEra which MCP era to speak to an http upstream: {@code auto} probes {@code server/discover} and
 *     speaks the modern (2026-07-28, stateless) era when the server offers it, else the legacy session era; {@code legacy}
 *     and {@code modern} force one (modern fails clearly against a server without it)
 * @param inheritEnv whether a stdio child gets the gateway's whole environment ({@code inherit_env}, default false:
 *     only the safe few and {@code env}, so that the gateway's credentials do not leak into every server)
 * @param oauth for an http upstream, the OAuth client credentials the gateway gets its own token with
 * @param tokenExchange for an http upstream, the OAuth client the gateway exchanges each caller's token with (RFC
 *     8693), so that a client's request reaches the upstream with a token minted for it on the caller's behalf
 * @param fleet how many processes a stdio upstream runs and who shares them ({@code replicas}, {@code max_processes},
 *     {@code session_mode}, {@code session_idle_timeout}); {@link FleetConfig#SINGLE} for an HTTP upstream
 * @param sandbox how a stdio child is confined ({@code sandbox}; off by default)
 */
public record UpstreamConfig(
        String name,
        boolean enabled,
        UpstreamTransport transport,
        List<String> command,
        Map<String, String> env,
        Optional<Path> cwd,
        Optional<URI> url,
        UpstreamLimits limits,
        boolean restartOnFailure,
        int maxRestartAttempts,
        boolean tlsVerify,
        Optional<String> serverIdentity,
        boolean forwardRoots,
        Map<String, String> headers,
        Optional<Path> caFile,
        ProtocolEra protocolEra,
        boolean inheritEnv,
        Optional<UpstreamOAuth> oauth,
        Optional<UpstreamOAuth> tokenExchange,
        FleetConfig fleet,
        SandboxConfig sandbox) {

    static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_-]*$");
    static final String NAMESPACE_SEPARATOR = "__";

    public UpstreamConfig {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches() || name.contains(NAMESPACE_SEPARATOR)) {
            throw new IllegalArgumentException("invalid upstream name '" + name + "'");
        }
        Objects.requireNonNull(transport, "transport");
        command = List.copyOf(command);
        env = Map.copyOf(env);
        headers = Map.copyOf(headers);
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(cwd, "cwd");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(serverIdentity, "serverIdentity");
        if (transport == UpstreamTransport.STDIO && command.isEmpty()) {
            throw new IllegalArgumentException("stdio upstream '" + name + "' needs a command");
        }
        if (transport != UpstreamTransport.STDIO && url.isEmpty()) {
            throw new IllegalArgumentException("http upstream '" + name + "' needs a url");
        }
        Objects.requireNonNull(protocolEra, "protocolEra");
        if (protocolEra == ProtocolEra.MODERN && transport != UpstreamTransport.HTTP) {
            throw new IllegalArgumentException("protocol_era: modern needs transport: http (Gatekit speaks the stateless "
                    + "2026-07-28 era to Streamable HTTP upstreams only)");
        }
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(oauth, "oauth");
        if (oauth.isPresent() && transport == UpstreamTransport.STDIO) {
            throw new IllegalArgumentException("oauth is for http and sse upstreams");
        }
        Objects.requireNonNull(tokenExchange, "tokenExchange");
        if (tokenExchange.isPresent() && transport != UpstreamTransport.HTTP) {
            throw new IllegalArgumentException("token_exchange is for http upstreams");
        }
        Objects.requireNonNull(fleet, "fleet");
        if (transport != UpstreamTransport.STDIO && !fleet.equals(FleetConfig.SINGLE)) {
            throw new IllegalArgumentException("replicas, max_processes and session_mode apply to stdio upstreams only");
        }
        Objects.requireNonNull(sandbox, "sandbox");
        if (sandbox.enabled() && transport != UpstreamTransport.STDIO) {
            throw new IllegalArgumentException("a sandbox confines a process the gateway starts: stdio upstreams only");
        }
        if (maxRestartAttempts < 0) {
            throw new IllegalArgumentException("max_restart_attempts must be >= 0, got " + maxRestartAttempts);
        }
    }

    /** Whether to try the modern (2026-07-28, stateless) era with this upstream (http only). */
    public boolean mayBeModern() {
        return transport == UpstreamTransport.HTTP && protocolEra != ProtocolEra.LEGACY;
    }

    /** Concurrent requests the gateway sends this upstream ({@code max_in_flight}). */
    public int maxInFlight() {
        return limits.maxInFlight();
    }

    /** The same upstream with other admission limits. */
    public UpstreamConfig withLimits(UpstreamLimits other) {
        return new UpstreamConfig(name, enabled, transport, command, env, cwd, url, other, restartOnFailure,
                maxRestartAttempts, tlsVerify, serverIdentity, forwardRoots, headers, caFile, protocolEra, inheritEnv, oauth,
                tokenExchange, fleet, sandbox);
    }

    /** The same upstream, confined by {@code other}. */
    public UpstreamConfig withSandbox(SandboxConfig other) {
        return new UpstreamConfig(name, enabled, transport, command, env, cwd, url, limits, restartOnFailure,
                maxRestartAttempts, tlsVerify, serverIdentity, forwardRoots, headers, caFile, protocolEra, inheritEnv, oauth,
                tokenExchange, fleet, other);
    }

    /** An enabled stdio upstream with every other setting at its default; handy for tests and embedding. */
    public static UpstreamConfig stdio(String name, List<String> command) {
        return new UpstreamConfig(name, true, UpstreamTransport.STDIO, command, Map.of(), Optional.empty(), Optional.empty(),
                UpstreamLimits.ofCeiling(LimitsConfig.DEFAULT_IN_FLIGHT_PER_UPSTREAM), true, 0, true, Optional.empty(), true, Map.of(), Optional.empty(),
                ProtocolEra.AUTO, false, Optional.empty(), Optional.empty(), FleetConfig.SINGLE, SandboxConfig.OFF);
    }
}
