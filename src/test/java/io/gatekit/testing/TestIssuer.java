package io.gatekit.testing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real OpenID provider (oidc-provider, run by interop/peers/idp/test-issuer.mjs) on a free loopback port, issuing
 * JWT access tokens for one resource by the client_credentials grant. It starts with a key the test knows
 * ({@link #signingKey}), so a test can also sign tokens of its own with it; {@link #rotate} makes a new key the
 * signing key.
 */
public final class TestIssuer implements AutoCloseable {
    public static final String OIDC_PROVIDER = "oidc-provider";
    public static final String CLIENT_ID = "gatekit-test-client";
    public static final String CLIENT_SECRET = "gatekit-test-secret-0123456789";

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    /** Each token exchange the provider made, as "subject audience". */
    private final List<String> exchanges = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String issuer;
    private final String resource;
    private final String scope;
    private final RSAKey signingKey;

    /** Starts the provider for tokens to {@code resource} carrying {@code scope}; returns once it listens. */
    public TestIssuer(Path dir, String resource, String scope) throws Exception {
        this(dir, resource, scope, List.of(), List.of());
    }

    /**
     * The same, with {@code users} (clients whose tokens name them as subject: {@link #token(String)}) and the
     * audiences {@link #CLIENT_ID} may exchange their tokens for (RFC 8693).
     */
    public TestIssuer(Path dir, String resource, String scope, List<String> users, List<String> exchangeAudiences)
            throws Exception {
        this(dir, resource, scope, users, exchangeAudiences, 300);
    }

    /** The same, with every token it issues valid for {@code tokenTtlSeconds}. */
    public TestIssuer(Path dir, String resource, String scope, List<String> users, List<String> exchangeAudiences,
            int tokenTtlSeconds) throws Exception {
        Peers.requireInstalled(OIDC_PROVIDER);
        this.resource = resource;
        this.scope = scope;
        this.signingKey = new RSAKeyGenerator(2048).keyID("initial-" + System.nanoTime()).algorithm(JWSAlgorithm.RS256)
                .generate();
        Path keyFile = dir.resolve("issuer-key.json");
        Files.writeString(keyFile, signingKey.toJSONString());
        int port = Loopback.freePort();
        this.issuer = "http://127.0.0.1:" + port;
        Path script = Path.of(System.getProperty("user.dir"), "interop", "peers", "idp", "test-issuer.mjs");
        ProcessBuilder command = new ProcessBuilder(List.of(Peers.node(), script.toString(), Integer.toString(port), resource,
                CLIENT_ID, CLIENT_SECRET, scope, keyFile.toString()))
                .redirectError(dir.resolve("issuer-stderr.txt").toFile());
        command.environment().put("USERS", String.join(" ", users));
        command.environment().put("EXCHANGE_AUDIENCES", String.join(" ", exchangeAudiences));
        command.environment().put("TOKEN_TTL_SECONDS", Integer.toString(tokenTtlSeconds));
        this.process = command.start();
        this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofVirtual().name("test-issuer-stdout").start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (line.startsWith("exchanged ")) {
                        exchanges.add(line.substring("exchanged ".length()));
                    } else {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                lines.add("ended " + e);
            }
        });
        await("ready");
    }

    /** The next line of the script's own protocol, skipping what oidc-provider itself prints (notices). */
    private String await(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("the test issuer did not say '" + prefix + " ...' within 30 s");
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            if (!line.startsWith("oidc-provider ")) {
                throw new AssertionError("the test issuer said " + line + " instead of '" + prefix + " ...'");
            }
        }
    }

    public String issuer() {
        return issuer;
    }

    public String jwksUri() {
        return issuer + "/jwks";
    }

    /** The provider's first signing key (private), for tokens a test signs itself. */
    public RSAKey signingKey() {
        return signingKey;
    }

    /** The token exchanges made so far, each as "subject audience". */
    public List<String> exchanges() {
        return List.copyOf(exchanges);
    }

    /** A fresh access token from the provider (client_credentials, RFC 8707 resource). */
    public String token() throws Exception {
        return token(CLIENT_ID, CLIENT_SECRET);
    }

    /** A fresh access token for {@code user} (one of the constructor's users): its subject is the user. */
    public String token(String user) throws Exception {
        return token(user, user + "-secret");
    }

    private String token(String clientId, String secret) throws Exception {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        String form = "grant_type=client_credentials&resource=" + java.net.URLEncoder.encode(resource, StandardCharsets.UTF_8)
                + "&scope=" + java.net.URLEncoder.encode(scope, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("token request: " + response.statusCode() + " " + response.body());
        }
        return JsonMapper.builder().build().readTree(response.body()).path("access_token").asString();
    }

    /** Makes a new key the signing key (the old one stays published); returns the new key id. */
    public String rotate() throws Exception {
        stdin.write("rotate\n");
        stdin.flush();
        return await("rotated").substring("rotated ".length());
    }

    /** Publishes only the newest key: tokens signed with older ones no longer verify. */
    public void dropOldKeys() throws Exception {
        stdin.write("drop-old\n");
        stdin.flush();
        await("rotated");
    }

    @Override
    public void close() throws Exception {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        http.close();
    }
}
