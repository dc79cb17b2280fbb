package dev.desafios.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.Config;
import dev.desafios.common.Server;
import dev.desafios.common.testing.FakeUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS termination: HTTPS on TLS_PORT, the plain port redirecting there, the keystore's password from a file. */
class GatewayTlsTest {
    private static final String PASSWORD = "s3cret-keystore-password";

    @TempDir
    static Path dir;
    private static Path keystore;
    private static Path passwordFile;

    private FakeUpstream users;
    private Server server;
    private int plainPort;
    private int tlsPort;
    private HttpClient https;

    @BeforeEach
    void start() throws Exception {
        if (keystore == null) {
            keystore = dir.resolve("gateway.p12");
            passwordFile = dir.resolve("password");
            Files.writeString(passwordFile, PASSWORD + "\n");
            // The JDK's own keytool makes a real key and certificate for localhost.
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "gateway",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD)
                    .redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, keytool.waitFor(), "keytool failed: " + output);
        }
        users = FakeUpstream.start().answer(FakeUpstream.json(200, "{\"id\":1}"));
        plainPort = freePort();
        tlsPort = freePort();
        server = GatewayService.start(settings(Map.of()), (host, port) ->
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), users.port())));
        https = HttpClient.newBuilder().sslContext(trusting(keystore)).build();
    }

    @AfterEach
    void stop() {
        server.stop();
        users.close();
        https.close();
    }

    private Map<String, String> settings(Map<String, String> extra) {
        var env = new HashMap<>(Map.of("PORT", String.valueOf(plainPort), "ADMIN_PORT", "0",
                "TLS_PORT", String.valueOf(tlsPort), "TLS_REDIRECT_PORT", "9443",
                "TLS_KEYSTORE_FILE", keystore.toString(), "TLS_KEYSTORE_PASSWORD_FILE", passwordFile.toString(),
                "UPSTREAM_HEALTH_INTERVAL", "60m", "RATE_LIMIT", "0"));
        env.putAll(extra);
        return env;
    }

    @Test
    void https_servesTheRoutes_andTellsTheUpstreamItWasHttps() throws Exception {
        HttpResponse<String> answer = https.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + tlsPort + "/api/users/1")).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, answer.statusCode());
        assertEquals("https", users.received().get(0).header("x-forwarded-proto"));
        assertEquals("TLSv1.3", answer.sslSession().orElseThrow().getProtocol());
    }

    @Test
    void plainPort_308ToTheSamePathOverHttps_healthStillAnswers() throws Exception {
        try (HttpClient plain = HttpClient.newHttpClient()) {
            HttpResponse<String> get = plain.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + plainPort + "/api/users/1?x=1")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> post = plain.send(HttpRequest.newBuilder(URI.create("http://localhost:" + plainPort + "/api/users"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> health = plain.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + plainPort + "/health")).build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(308, get.statusCode());
            assertEquals("https://localhost:9443/api/users/1?x=1", get.headers().firstValue("Location").orElse(null));
            assertEquals(308, post.statusCode());
            assertEquals(200, health.statusCode());
            assertTrue(users.received().stream().noneMatch(r -> r.target().startsWith("/users")), "a plain request reached users");
        }
    }

    @Test
    void plainPort_pathStartingWithTwoSlashes_keptWholeInTheRedirect() throws Exception {
        String answer = plainExchange("GET //api/users/1?x=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertTrue(answer.startsWith("HTTP/1.1 308"), answer);
        assertTrue(answer.contains("Location: https://localhost:9443//api/users/1?x=1\r\n"), answer);
    }

    @Test
    void plainPort_hostThatIsNotAHostName_400NotARedirectElsewhere() throws Exception {
        String answer = plainExchange("GET / HTTP/1.1\r\nHost: evil.example/x?\r\nConnection: close\r\n\r\n");

        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertFalse(answer.toLowerCase().contains("location:"), answer);
    }

    @Test
    void plainHttpSentToTheTlsPort_noHttpAnswer_andHttpsStillServes() throws Exception {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), tlsPort)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET /api/users/1 HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            byte[] answer = readQuietly(in);
            assertFalse(new String(answer, StandardCharsets.ISO_8859_1).startsWith("HTTP/"), "the TLS port answered in plain HTTP");
        }

        assertEquals(200, https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + tlsPort + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void wrongKeystorePassword_refusedNamingTheFile_neverThePassword() throws Exception {
        Path wrong = dir.resolve("wrong-password");
        Files.writeString(wrong, "not-" + PASSWORD);

        var e = assertThrows(Config.ConfigException.class, () -> GatewayTls.from(new Config(settings(
                Map.of("TLS_KEYSTORE_PASSWORD_FILE", wrong.toString())))));

        assertTrue(e.getMessage().contains("TLS_KEYSTORE_FILE"), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    }

    /** Sends a request exactly as written to the plain port and reads the answer to the close. */
    private String plainExchange(String request) throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), plainPort)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static byte[] readQuietly(InputStream in) {
        try {
            return in.readNBytes(64);
        } catch (IOException closedOrReset) {
            return new byte[0];
        }
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        var keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        var trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gateway", keys.getCertificate("gateway"));
        var managers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        managers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, managers.getTrustManagers(), null);
        return context;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
