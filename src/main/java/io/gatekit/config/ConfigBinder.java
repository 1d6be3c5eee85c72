package io.gatekit.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Turns a schema-checked tree into config records: applies defaults, resolves paths, and checks the rules that
 * involve more than one field. Runs even when the schema found problems, so one load reports everything.
 */
final class ConfigBinder {

    private static final FieldPath PROXY = FieldPath.of("proxy");
    private static final FieldPath LOGGING = FieldPath.of("logging");
    private static final FieldPath OBSERVABILITY = FieldPath.of("observability");

    private final Problems problems;
    private final ConfigPaths paths;
    private final PluginCheck pluginCheck;

    ConfigBinder(Problems problems, Path baseDir, PluginCheck pluginCheck) {
        this.problems = problems;
        this.paths = new ConfigPaths(baseDir);
        this.pluginCheck = pluginCheck;
    }

    /** The config, or null when there were problems (from this or an earlier stage). */
    @Nullable GatewayConfig bind(JsonNode root, Optional<Path> source) {
        JsonNode proxyNode = root.path("proxy");
        LimitsConfig limits = limits(proxyNode.path("limits"));
        List<UpstreamConfig> upstreams = new UpstreamBinder(problems, paths, limits)
                .bind(proxyNode.path("upstreams"), PROXY.child("upstreams"));
        checkProcessCap(upstreams, limits);
        Set<String> names = namesOf(proxyNode.path("upstreams"));
        ProxyConfig proxy = proxy(proxyNode, upstreams, limits);
        PluginsConfig plugins = PluginsBinder.bind(root.path("plugins"), names, problems, pluginCheck);
        LoggingConfig logging = logging(root.path("logging"));
        Optional<PolicyConfig> policy = PolicyBinder.bind(root.path("policy"), names, problems);
        ObservabilityConfig observability = observability(root.path("observability"));
        if (!problems.isEmpty()) {
            return null;
        }
        // Without problems every part was built; the checks restate that for the compiler.
        return problems.build(FieldPath.ROOT, () -> new GatewayConfig(Objects.requireNonNull(proxy, "proxy"), plugins,
                Objects.requireNonNull(logging, "logging"), Objects.requireNonNull(observability, "observability"), source,
                paths.baseDir(), policy));
    }

    /** The shared replicas of every enabled upstream start with the gateway, so together they must fit the cap. */
    private void checkProcessCap(List<UpstreamConfig> upstreams, LimitsConfig limits) {
        int replicas = upstreams.stream().filter(UpstreamConfig::enabled).mapToInt(u -> u.fleet().replicas()).sum();
        if (replicas > limits.maxUpstreamProcesses()) {
            problems.at(PROXY.child("limits").child("max_upstream_processes"), "the enabled upstreams' replicas add up to "
                    + replicas + ", over max_upstream_processes (" + limits.maxUpstreamProcesses()
                    + "); raise it or lower replicas");
        }
    }

    private @Nullable ProxyConfig proxy(JsonNode node, List<UpstreamConfig> upstreams, LimitsConfig limits) {
        ClientTransport transport = Nodes.choice(node, "transport", ClientTransport.class).orElse(null);
        Optional<HttpConfig> http = node.path("http").isObject() ? Optional.ofNullable(http(node.get("http")))
                : Optional.empty();
        if (transport == ClientTransport.HTTP && !node.has("http")) {
            problems.at(PROXY.child("transport"),
                    "the http transport needs a proxy.http section, e.g. http: {host: 127.0.0.1, port: 8080}");
        }
        if (transport == ClientTransport.HTTP && http.isPresent() && http.get().exposedWithoutConsent()) {
            problems.at(PROXY.child("http").child("host"), "the HTTP face would listen on " + http.get().host()
                    + ", which is not a loopback address, without authentication: anyone who reaches it could use"
                    + " every upstream. Configure proxy.http.auth (jwt or api_keys), or set"
                    + " proxy.http.auth.allow_unauthenticated: true to accept that explicitly");
        }
        checkTokenExchange(node.path("upstreams"), transport, http);
        TimeoutsConfig timeouts = new TimeoutsConfig(
                Nodes.seconds(node.path("timeouts"), "request_timeout").orElse(TimeoutsConfig.DEFAULT),
                Nodes.seconds(node.path("timeouts"), "connection_timeout").orElse(TimeoutsConfig.DEFAULT));
        HotReload hotReload = Nodes.choice(node, "hot_reload", HotReload.class).orElse(ProxyConfig.DEFAULT_HOT_RELOAD);
        if (!problems.isEmpty()) {
            return null;
        }
        return problems.build(PROXY, () -> new ProxyConfig(Objects.requireNonNull(transport, "transport"), upstreams, timeouts, limits, http, hotReload,
                admin(node.path("admin")), PolicyBinder.stdioPrincipal(node)));
    }

    /**
     * Token exchange needs a caller's token to exchange, and only the HTTP face with JWT authentication has one: a
     * stdio client or a face without {@code jwt} could never use such an upstream, so that is a mistake in the file,
     * not a per-request error. (An API-key caller of a face that also takes JWTs is refused per request.)
     */
    private void checkTokenExchange(JsonNode upstreams, @Nullable ClientTransport transport, Optional<HttpConfig> http) {
        boolean jwtFace = transport == ClientTransport.HTTP && http.isPresent() && http.get().auth().jwt().isPresent();
        for (int i = 0; i < upstreams.size(); i++) {
            if (upstreams.get(i).path("token_exchange").isObject() && !jwtFace) {
                problems.atKey(PROXY.child("upstreams").index(i).child("token_exchange"), "token_exchange exchanges each"
                        + " caller's own access token, which only the HTTP face with JWT authentication has: set"
                        + " proxy.transport: http and proxy.http.auth.jwt, or use oauth (the gateway's own token)");
            }
        }
    }

    private LimitsConfig limits(JsonNode node) {
        LimitsConfig limits = problems.build(PROXY.child("limits"), () -> new LimitsConfig(
                Nodes.integer(node, "max_message_bytes", LimitsConfig.DEFAULT_MESSAGE_BYTES),
                Nodes.integer(node, "max_in_flight_per_upstream", LimitsConfig.DEFAULT_IN_FLIGHT_PER_UPSTREAM),
                Nodes.integer(node, "max_in_flight_per_client", LimitsConfig.DEFAULT_IN_FLIGHT_PER_CLIENT),
                Nodes.integer(node, "list_page_size", LimitsConfig.DEFAULT_LIST_PAGE_SIZE),
                Nodes.integer(node, "max_queued_per_upstream", LimitsConfig.DEFAULT_QUEUED_PER_UPSTREAM),
                Nodes.rateLimit(node, "rate_limit_per_client"),
                Nodes.positiveIntegers(node, "client_weights"),
                Nodes.integer(node, "max_upstream_processes", LimitsConfig.DEFAULT_UPSTREAM_PROCESSES)));
        // Out-of-range values were reported by the schema; keep binding with defaults to find more problems.
        return limits == null ? LimitsConfig.defaults() : limits;
    }

    private @Nullable HttpConfig http(JsonNode node) {
        return problems.build(PROXY.child("http"), () -> new HttpConfig(
                Nodes.string(node, "host").orElse(HttpConfig.DEFAULT_HOST),
                Nodes.integer(node, "port", HttpConfig.DEFAULT_PORT),
                Nodes.string(node, "path").orElse(HttpConfig.DEFAULT_PATH),
                strings(node, "allowed_hosts").orElse(HttpConfig.LOOPBACK_NAMES),
                strings(node, "allowed_origins").orElse(HttpConfig.LOOPBACK_NAMES),
                Nodes.seconds(node, "session_idle_timeout").orElse(HttpConfig.DEFAULT_SESSION_IDLE_TIMEOUT),
                Nodes.integer(node, "max_sessions", HttpConfig.DEFAULT_MAX_SESSIONS),
                Nodes.seconds(node, "sse_keep_alive").orElse(HttpConfig.DEFAULT_SSE_KEEP_ALIVE),
                Nodes.seconds(node, "header_timeout").orElse(HttpConfig.DEFAULT_HEADER_TIMEOUT),
                Nodes.seconds(node, "body_timeout").orElse(HttpConfig.DEFAULT_BODY_TIMEOUT),
                tls(node.path("tls")), auth(node.path("auth")), scaleOut(node.path("scale_out"))));
    }

    private AuthConfig auth(JsonNode node) {
        if (!node.isObject()) {
            return AuthConfig.NONE;
        }
        FieldPath at = PROXY.child("http").child("auth");
        Optional<JwtAuthConfig> jwt = node.path("jwt").isObject()
                ? Optional.ofNullable(jwt(node.get("jwt"), at.child("jwt"))) : Optional.empty();
        List<ApiKeyConfig> keys = new ArrayList<>();
        JsonNode list = node.path("api_keys");
        for (int i = 0; i < list.size(); i++) {
            JsonNode key = list.get(i);
            ApiKeyConfig bound = problems.build(at.child("api_keys").index(i), () -> new ApiKeyConfig(
                    Nodes.string(key, "name").orElse(""), Nodes.string(key, "sha256").orElse(""),
                    strings(key, "scopes").orElse(List.of())));
            if (bound != null) {
                keys.add(bound);
            }
        }
        boolean anyAuth = node.path("jwt").isObject() || !keys.isEmpty();
        if (Nodes.bool(node, "protect_metrics", false) && !anyAuth) {
            problems.at(at.child("protect_metrics"), "protect_metrics needs jwt or api_keys: without them no credential"
                    + " can be checked (scrape the admin listener on a private address instead)");
        }
        AuthConfig auth = problems.build(at, () -> new AuthConfig(jwt, keys,
                Nodes.bool(node, "allow_unauthenticated", false), Nodes.bool(node, "protect_metrics", anyAuth)));
        return auth == null ? AuthConfig.NONE : auth;
    }

    private @Nullable JwtAuthConfig jwt(JsonNode node, FieldPath at) {
        Optional<String> uri = Nodes.string(node, "jwks_uri");
        Optional<String> file = Nodes.string(node, "jwks_file");
        if (uri.isPresent() == file.isPresent()) {
            problems.at(at, "name the issuer's keys with exactly one of jwks_uri (fetched and cached) or jwks_file");
            return null;
        }
        JwtAuthConfig.Jwks jwks;
        if (file.isPresent()) {
            Optional<Path> path = paths.resolve(file.get(), at.child("jwks_file"), problems);
            if (path.isEmpty()) {
                return null;
            }
            if (!java.nio.file.Files.isReadable(path.get())) {
                problems.at(at.child("jwks_file"), "cannot read the JWK set " + path.get());
                return null;
            }
            jwks = new JwtAuthConfig.JwksFile(path.get());
        } else {
            JwtAuthConfig.Jwks remote = problems.build(at.child("jwks_uri"),
                    () -> new JwtAuthConfig.RemoteJwks(java.net.URI.create(uri.get())));
            if (remote == null) {
                return null;
            }
            jwks = remote;
        }
        return problems.build(at, () -> new JwtAuthConfig(Nodes.string(node, "issuer").orElse(""),
                Nodes.string(node, "audience").orElse(""), jwks, strings(node, "required_scopes").orElse(List.of()),
                Nodes.seconds(node, "clock_skew").orElse(JwtAuthConfig.DEFAULT_CLOCK_SKEW)));
    }

    private Optional<ScaleOutConfig> scaleOut(JsonNode node) {
        if (!node.isObject()) {
            return Optional.empty();
        }
        FieldPath at = PROXY.child("http").child("scale_out");
        List<String> secrets = new ArrayList<>();
        Nodes.string(node, "session_key").ifPresent(secrets::add);
        Nodes.string(node, "session_key_file").flatMap(file -> secretFile(file, at.child("session_key_file")))
                .ifPresent(secrets::add);
        if (secrets.size() != 1) {
            problems.at(at, secrets.isEmpty() ? "scale_out needs session_key or session_key_file"
                    : "give session_key or session_key_file, not both");
            return Optional.empty();
        }
        strings(node, "previous_session_keys").ifPresent(secrets::addAll);
        strings(node, "previous_session_key_files").ifPresent(files -> files.forEach(file ->
                secretFile(file, at.child("previous_session_key_files")).ifPresent(secrets::add)));
        Optional<java.net.URI> redis = Optional.empty();
        Optional<String> written = Nodes.string(node, "redis");
        if (written.isPresent()) {
            try {
                redis = Optional.of(new java.net.URI(written.get()));
            } catch (java.net.URISyntaxException e) {
                problems.at(at.child("redis"), "not a URI: " + e.getMessage());
                return Optional.empty();
            }
        }
        Optional<java.net.URI> shared = redis;
        return Optional.ofNullable(problems.build(at, () -> new ScaleOutConfig(secrets,
                Nodes.seconds(node, "key_grace").orElse(ScaleOutConfig.DEFAULT_KEY_GRACE),
                Nodes.seconds(node, "session_max_age").orElse(ScaleOutConfig.DEFAULT_SESSION_MAX_AGE), shared)));
    }

    /** A secret kept in a file (a mounted secret): its content without the trailing newline. */
    private Optional<String> secretFile(String written, FieldPath at) {
        return paths.resolve(written, at, problems).flatMap(path -> {
            try {
                return Optional.of(java.nio.file.Files.readString(path).strip());
            } catch (java.io.IOException | RuntimeException e) {
                problems.at(at, "cannot read the key file " + path + ": " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    private Optional<AdminConfig> admin(JsonNode node) {
        if (!node.isObject()) {
            return Optional.empty();
        }
        return Optional.ofNullable(problems.build(PROXY.child("admin"), () -> new AdminConfig(
                Nodes.string(node, "host").orElse(AdminConfig.DEFAULT_HOST), Nodes.integer(node, "port", 0))));
    }

    private Optional<TlsConfig> tls(JsonNode node) {
        if (!node.isObject()) {
            return Optional.empty();
        }
        FieldPath at = PROXY.child("http").child("tls");
        Optional<Path> keyStore = Nodes.string(node, "key_store").flatMap(file -> paths.resolve(file, at.child("key_store"), problems));
        if (keyStore.isPresent() && !java.nio.file.Files.isReadable(keyStore.get())) {
            problems.at(at.child("key_store"), "cannot read the key store " + keyStore.get());
            return Optional.empty();
        }
        return keyStore.map(path -> new TlsConfig(path, Nodes.string(node, "key_store_password").orElse(""),
                Nodes.string(node, "key_store_type").orElse("PKCS12")));
    }

    private static Optional<List<String>> strings(JsonNode object, String key) {
        JsonNode value = object.get(key);
        if (value == null || !value.isArray()) {
            return Optional.empty();
        }
        List<String> items = new ArrayList<>();
        value.forEach(item -> items.add(item.asString()));
        return Optional.of(items);
    }

    private @Nullable ObservabilityConfig observability(JsonNode node) {
        boolean metrics = Nodes.bool(node.path("metrics"), "enabled", true);
        JsonNode tracing = node.path("tracing");
        if (!tracing.isObject() || !Nodes.bool(tracing, "enabled", false)) {
            return new ObservabilityConfig(metrics, Optional.empty());
        }
        FieldPath at = OBSERVABILITY.child("tracing");
        String endpointText = Nodes.string(tracing, "endpoint").orElse(TracingConfig.DEFAULT_ENDPOINT);
        URI endpoint;
        try {
            endpoint = new URI(endpointText);
        } catch (URISyntaxException e) {
            problems.at(at.child("endpoint"), "not a URL: " + e.getMessage());
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        tracing.path("headers").properties().forEach(header -> headers.put(header.getKey(), header.getValue().asString("")));
        JsonNode ratio = tracing.path("sample_ratio");
        TracingConfig built = problems.build(at, () -> new TracingConfig(endpoint,
                ratio.isNumber() ? ratio.doubleValue() : 1.0,
                Nodes.string(tracing, "service_name").orElse(TracingConfig.DEFAULT_SERVICE_NAME), headers));
        return built == null ? null : new ObservabilityConfig(metrics, Optional.of(built));
    }

    private @Nullable LoggingConfig logging(JsonNode node) {
        String level = Nodes.string(node, "level").map(LoggingConfig::normaliseLevel).orElse("INFO");
        List<LogHandler> handlers = new ArrayList<>();
        if (node.path("handlers").isArray()) {
            node.get("handlers").forEach(handler -> ConfigChoice.parse(LogHandler.class, handler.asString("")).ifPresent(handlers::add));
        } else {
            handlers.add(LogHandler.STDERR);
        }
        Optional<Path> filePath = Nodes.string(node, "file_path")
                .flatMap(file -> paths.resolve(file, LOGGING.child("file_path"), problems));
        if (handlers.contains(LogHandler.FILE) && !node.has("file_path")) {
            problems.at(LOGGING.child("handlers"), "the file handler needs logging.file_path");
        }
        return problems.build(LOGGING, () -> new LoggingConfig(level == null ? "INFO" : level, handlers, filePath,
                Nodes.integer(node, "max_file_size_mb", LoggingConfig.DEFAULT_MAX_FILE_SIZE_MB),
                Nodes.integer(node, "backup_count", LoggingConfig.DEFAULT_BACKUP_COUNT),
                Nodes.string(node, "format").filter("json"::equalsIgnoreCase).isPresent() ? LogFormat.JSON : LogFormat.TEXT));
    }

    private static Set<String> namesOf(JsonNode upstreams) {
        List<JsonNode> items = new ArrayList<>();
        upstreams.forEach(items::add);
        return items.stream().map(item -> Nodes.string(item, "name")).flatMap(Optional::stream)
                .collect(Collectors.toSet());
    }
}
