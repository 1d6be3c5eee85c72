package io.gatekit.faces.http;

import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.TestClient;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * HTTPS on both faces with a certificate made for the test: the HTTP face serving TLS from a key store, and a
 * second gateway reaching it as an https upstream that trusts only the test CA ({@code ca_file}).
 */
@Timeout(120)
class TlsTest {
    private static final String PASSWORD = "gatekit-test";
    @TempDir
    static Path dir;
    static Path keyStore;
    static Path caPem;

    @BeforeAll
    static void certificate() throws Exception {
        keyStore = dir.resolve("server.p12");
        caPem = dir.resolve("ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "gatekit", "-keyalg", "EC", "-groupname", "secp256r1",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD,
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2"));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "gatekit", "-keystore", keyStore.toString(),
                "-storepass", PASSWORD, "-file", caPem.toString()));
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
    }

    private static HttpFaceFixture httpsGateway() throws Exception {
        return HttpFaceFixture.demo("""
                tls:
                  key_store: "%s"
                  key_store_password: "%s"
                """.formatted(keyStore, PASSWORD), "");
    }

    private static SSLContext trustingTestCa() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    @Test
    void httpFace_servesHttps_fromTheConfiguredKeyStore() throws Exception {
        try (HttpFaceFixture gateway = httpsGateway()) {
            assertThat(gateway.uri().getScheme()).isEqualTo("https");
            HttpClient client = HttpClient.newBuilder().sslContext(trustingTestCa()).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> init = client.send(gateway.post(null, """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(init.statusCode()).isEqualTo(200);
            assertThat(init.headers().firstValue("Mcp-Session-Id")).isPresent();
            assertThat(init.body()).contains("\"protocolVersion\":\"2025-11-25\"");
        }
    }

    @Test
    void httpsUpstream_withItsCaFile_isReached_withoutIt_isRefusedClearly() throws Exception {
        try (HttpFaceFixture secure = httpsGateway();
                GatewayFixture front = GatewayFixture.start("""
                        proxy:
                          transport: stdio
                          timeouts: {connection_timeout: 5}
                          upstreams:
                            - name: trusted
                              transport: http
                              url: "%1$s"
                              ca_file: "%2$s"
                            - name: untrusted
                              transport: http
                              url: "%1$s"
                              restart_on_failure: false
                        """.formatted(secure.uri(), caPem))) {
            TestClient client = front.connect();
            client.initialize(null);
            front.awaitReady("trusted");
            assertThat(text(client.call("tools/call", toolCall("trusted__demo__echo", "message", "over tls")))).isEqualTo("over tls");
            JsonNode refused = client.call("tools/call", toolCall("untrusted__demo__echo", "message", "x"));
            assertThat(refused.path("error").path("message").asString()).contains("Upstream 'untrusted' is unavailable")
                    .containsIgnoringCase("certificat");
        }
    }
}
