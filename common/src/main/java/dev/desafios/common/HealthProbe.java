package dev.desafios.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The health check for images without curl or wget: {@code java -cp '/app/libs/*'
 * dev.desafios.common.HealthProbe} exits 0 when {@code GET /health} on this container's
 * {@code PORT} answers 200. A plain socket keeps the second JVM's start small.
 */
public final class HealthProbe {
    private static final int TIMEOUT_MS = 2000;

    private HealthProbe() {
    }

    /** Exits 0 when healthy, 1 otherwise. */
    public static void main(String[] args) {
        String port = System.getenv().getOrDefault("PORT", "8080");
        System.exit(isHealthy(Integer.parseInt(port)) ? 0 : 1);
    }

    static boolean isHealthy(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] statusLine = in.readNBytes(12);
            return new String(statusLine, StandardCharsets.US_ASCII).matches("HTTP/1\\.[01] 200");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
