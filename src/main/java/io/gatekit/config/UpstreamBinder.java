package io.gatekit.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Binds {@code proxy.upstreams} and checks what the schema cannot: names across entries, per-transport keys. */
final class UpstreamBinder {
    private static final List<String> FLEET_KEYS = List.of("replicas", "max_processes", "session_mode", "session_idle_timeout");

    private final Problems problems;
    private final ConfigPaths paths;
    private final LimitsConfig limits;

    UpstreamBinder(Problems problems, ConfigPaths paths, LimitsConfig limits) {
        this.problems = problems;
        this.paths = paths;
        this.limits = limits;
    }

    /** The upstreams that bound cleanly; when any did not, problems say why. */
    List<UpstreamConfig> bind(JsonNode list, FieldPath path) {
        List<UpstreamConfig> upstreams = new ArrayList<>();
        Map<String, FieldPath> names = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            FieldPath at = path.index(i);
            JsonNode node = list.get(i);
            if (!node.isObject()) {
                continue;
            }
            Nodes.string(node, "name").ifPresent(name -> checkName(name, at.child("name"), names));
            UpstreamConfig upstream = bindOne(node, at);
            if (upstream != null) {
                upstreams.add(upstream);
            }
        }
        return upstreams;
    }

    private void checkName(String name, FieldPath at, Map<String, FieldPath> names) {
        if (name.contains(UpstreamConfig.NAMESPACE_SEPARATOR)) {
            problems.at(at, "'" + name + "' must not contain '__', which separates the upstream name from tool names");
        }
        FieldPath first = names.putIfAbsent(name, at);
        if (first != null) {
            problems.at(at, "duplicate upstream name '" + name + "' (first used at " + first.parent() + ")");
        }
    }

    private @Nullable UpstreamConfig bindOne(JsonNode node, FieldPath at) {
        UpstreamTransport transport = Nodes.choice(node, "transport", UpstreamTransport.class).orElse(UpstreamTransport.STDIO);
        List<String> command = command(node, at, transport);
        Optional<URI> url = url(node, at, transport);
        Map<String, String> env = env(node.path("env"));
        Optional<Path> cwd = Nodes.string(node, "cwd").flatMap(dir -> paths.resolve(dir, at.child("cwd"), problems));
        ProtocolEra era = Nodes.choice(node, "protocol_era", ProtocolEra.class).orElse(ProtocolEra.AUTO);
        if (era == ProtocolEra.MODERN && transport != UpstreamTransport.HTTP) {
            problems.at(at.child("protocol_era"), "modern (the stateless 2026-07-28 era) needs transport: http; "
                    + "use auto or legacy for a " + transport.wire() + " upstream");
        }
        Optional<UpstreamOAuth> oauth = oauthClient(node, "oauth", at, transport);
        Optional<UpstreamOAuth> tokenExchange = oauthClient(node, "token_exchange", at, transport);
        SandboxConfig sandbox = sandbox(node.path("sandbox"), at.child("sandbox"), transport);
        return problems.build(at, () -> new UpstreamConfig(
                Objects.requireNonNull(Nodes.string(node, "name").orElse(null), "name"),
                Nodes.bool(node, "enabled", true),
                transport,
                command,
                env,
                cwd,
                url,
                new UpstreamLimits(Nodes.integer(node, "max_in_flight", limits.maxInFlightPerUpstream()),
                        Nodes.integer(node, "max_queued", limits.maxQueuedPerUpstream()),
                        Nodes.positiveIntegers(node, "max_in_flight_per_tool"),
                        Nodes.rateLimit(node, "rate_limit")),
                Nodes.bool(node, "restart_on_failure", true),
                Nodes.integer(node, "max_restart_attempts", 0),
                Nodes.bool(node, "tls_verify", true),
                Nodes.string(node, "server_identity"),
                Nodes.bool(node, "forward_roots", true),
                env(node.path("headers")),
                Nodes.string(node, "ca_file").flatMap(file -> paths.resolve(file, at.child("ca_file"), problems)),
                era,
                Nodes.bool(node, "inherit_env", false),
                oauth, tokenExchange, fleet(node, at, transport), sandbox));
    }

    /**
     * The gateway as an OAuth client of a token endpoint under {@code key}: {@code oauth} (its own token, client
     * credentials; http or sse) or {@code token_exchange} (a token per caller, RFC 8693; http only, since its
     * requests carry the caller's token one POST at a time). Either sets Authorization, so headers must not.
     */
    private Optional<UpstreamOAuth> oauthClient(JsonNode node, String key, FieldPath at, UpstreamTransport transport) {
        JsonNode client = node.path(key);
        if (!client.isObject()) {
            return Optional.empty();
        }
        if (transport == UpstreamTransport.STDIO) {
            problems.atKey(at.child(key), key + " gets a token for an " + (key.equals("oauth") ? "http or sse" : "http")
                    + " upstream; a stdio server takes its credentials from env");
            return Optional.empty();
        }
        if (key.equals("token_exchange") && transport != UpstreamTransport.HTTP) {
            problems.atKey(at.child(key), "token_exchange needs transport: http (each request carries its caller's "
                    + "token; an sse upstream's messages share one stream)");
            return Optional.empty();
        }
        if (node.path("headers").has("Authorization") || node.path("headers").has("authorization")) {
            problems.at(at.child("headers"), "Authorization is set by " + key + ": remove it from headers");
        }
        Optional<URI> tokenUrl = Nodes.string(client, "token_url")
                .flatMap(text -> httpUrl(text, at.child(key).child("token_url")));
        Optional<String> clientId = Nodes.string(client, "client_id");
        Optional<String> clientSecret = Nodes.string(client, "client_secret");
        if (tokenUrl.isEmpty() || clientId.isEmpty() || clientSecret.isEmpty()) {
            return Optional.empty(); // the schema reported what is missing
        }
        Optional<String> resource = Nodes.string(client, "resource");
        Optional<String> audience = Nodes.string(client, "audience");
        if (key.equals("token_exchange") && resource.isEmpty() && audience.isEmpty()) {
            // A token for any audience would be one the upstream could replay elsewhere: default to the upstream.
            resource = Nodes.string(node, "url");
        }
        return Optional.of(new UpstreamOAuth(tokenUrl.get(), clientId.get(), clientSecret.get(),
                Nodes.string(client, "scope"), resource, audience));
    }

    /** The fleet keys; on an http or sse upstream each one present is a problem at its line. */
    private FleetConfig fleet(JsonNode node, FieldPath at, UpstreamTransport transport) {
        if (transport != UpstreamTransport.STDIO) {
            for (String key : FLEET_KEYS) {
                if (node.has(key)) {
                    problems.at(at.child(key), key + " applies to stdio upstreams only (an " + transport.wire()
                            + " upstream is one connection; its server scales itself)");
                }
            }
            return FleetConfig.SINGLE;
        }
        int replicas = Nodes.integer(node, "replicas", 1);
        SessionMode mode = Nodes.choice(node, "session_mode", SessionMode.class).orElse(SessionMode.SHARED);
        int maxProcesses = Nodes.integer(node, "max_processes", FleetConfig.defaultMaxProcesses(replicas, mode));
        if (maxProcesses < replicas) {
            problems.at(at.child("max_processes"), "max_processes (" + maxProcesses + ") must be at least replicas ("
                    + replicas + "): the shared replicas alone would exceed it");
            return FleetConfig.SINGLE;
        }
        if (mode != SessionMode.SHARED && maxProcesses == replicas) {
            problems.at(at.child("max_processes"), "session_mode " + mode.wire()
                    + " needs room for per-client sessions: max_processes (" + maxProcesses
                    + ") leaves none beside the " + replicas + " shared replica(s)");
        }
        if (replicas > limits.maxUpstreamProcesses()) {
            problems.at(at.child("replicas"), "replicas (" + replicas + ") exceeds proxy.limits.max_upstream_processes ("
                    + limits.maxUpstreamProcesses() + ")");
        }
        Duration idle = Nodes.seconds(node, "session_idle_timeout").orElse(FleetConfig.DEFAULT_SESSION_IDLE_TIMEOUT);
        return new FleetConfig(replicas, maxProcesses, mode, idle);
    }

    private SandboxConfig sandbox(JsonNode node, FieldPath at, UpstreamTransport transport) {
        if (!node.isObject()) {
            return SandboxConfig.OFF;
        }
        boolean enabled = Nodes.bool(node, "enabled", false);
        if (enabled && transport != UpstreamTransport.STDIO) {
            problems.at(at.child("enabled"), "a sandbox confines a process the gateway starts, so it applies to stdio"
                    + " upstreams only; remove it from this " + transport.wire() + " upstream");
        }
        return new SandboxConfig(enabled && transport == UpstreamTransport.STDIO,
                sandboxPaths(node, "paths", at), Nodes.bool(node, "network", true),
                sandboxPaths(node, "read_only_paths", at),
                positive(node, "max_memory_mb"), positive(node, "max_cpu_seconds"));
    }

    /** Paths as the config file means them; a glob is refused, as the Python original does: a mount takes one path. */
    private List<Path> sandboxPaths(JsonNode sandbox, String key, FieldPath at) {
        List<Path> resolved = new ArrayList<>();
        JsonNode list = sandbox.path(key);
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            if (!entry.isString()) {
                continue;
            }
            String written = entry.stringValue();
            FieldPath where = at.child(key).index(i);
            if (written.chars().anyMatch(c -> "*?[]{}".indexOf(c) >= 0)) {
                problems.at(where, "'" + written + "' is a glob; list each directory or file to expose");
            } else {
                paths.resolve(written, where, problems).ifPresent(resolved::add);
            }
        }
        return resolved;
    }

    private static OptionalInt positive(JsonNode node, String key) {
        int value = Nodes.integer(node, key, 0);
        return value >= 1 ? OptionalInt.of(value) : OptionalInt.empty();
    }

    private List<String> command(JsonNode node, FieldPath at, UpstreamTransport transport) {
        JsonNode command = node.get("command");
        List<String> words = new ArrayList<>();
        if (command != null && command.isString()) {
            // A string is split like a shell would without quotes; arguments with spaces need the list form.
            Arrays.stream(command.stringValue().strip().split("\\s+")).filter(w -> !w.isEmpty()).forEach(words::add);
            if (words.isEmpty()) {
                problems.at(at.child("command"), "command must not be blank");
            }
        } else if (command != null && command.isArray()) {
            command.forEach(word -> words.add(word.isString() ? word.stringValue() : word.toString()));
            if (words.stream().anyMatch(String::isBlank)) {
                problems.at(at.child("command"), "command has a blank entry");
            }
        } else if (command == null && transport == UpstreamTransport.STDIO) {
            problems.atKey(at.child("command"), "a stdio upstream needs a command, e.g. command: [\"npx\", \"-y\", "
                    + "\"@modelcontextprotocol/server-everything\"]");
        }
        return transport == UpstreamTransport.STDIO ? words : List.of();
    }

    private Optional<URI> url(JsonNode node, FieldPath at, UpstreamTransport transport) {
        Optional<String> written = Nodes.string(node, "url");
        if (written.isEmpty()) {
            if (transport != UpstreamTransport.STDIO && !node.has("url")) {
                problems.atKey(at.child("url"), "an http upstream needs a url, e.g. url: https://example.com/mcp");
            }
            return Optional.empty();
        }
        return httpUrl(written.get(), at.child("url"));
    }

    /** {@code text} as an http(s) URL with a host; otherwise a problem at {@code at}. */
    private Optional<URI> httpUrl(String text, FieldPath at) {
        try {
            URI uri = new URI(text);
            String scheme = Objects.requireNonNullElse(uri.getScheme(), "").toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // falls through to the same message as a URI of the wrong kind
        }
        problems.at(at, "'" + text + "' is not an http:// or https:// URL with a host");
        return Optional.empty();
    }

    private static Map<String, String> env(JsonNode env) {
        Map<String, String> values = new LinkedHashMap<>();
        if (env.isObject()) {
            for (Map.Entry<String, JsonNode> entry : env.properties()) {
                JsonNode value = entry.getValue();
                if (value.isValueNode()) {
                    // YAML turns PORT: 8080 and DEBUG: true into a number and a boolean; the child wants text.
                    values.put(entry.getKey(), value.asString());
                }
            }
        }
        return values;
    }
}
