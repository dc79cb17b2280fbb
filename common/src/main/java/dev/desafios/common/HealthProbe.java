package dev.desafios.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * The health check for images without curl or wget: {@code java -cp '/app/libs/*'
 * dev.desafios.common.HealthProbe [--alive] [URL]} exits 0 when the URL (by default {@code GET
 * /health} on this container's {@code PORT}) answers 200, or with {@code --alive} also 503 (the
 * service is alive and says a store of its is down). The scripts also use it to show what a container
 * can or cannot reach, so the exit code says why: 1 another answer or refused, 3 the name does
 * not resolve, 4 no answer in time. A plain socket keeps the second JVM's start small.
 */
public final class HealthProbe {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int UNKNOWN_HOST = 3;
    static final int TIMED_OUT = 4;
    private static final int TIMEOUT_MS = 2000;

    private HealthProbe() {
    }

    /** Exits with the outcome of one GET. */
    public static void main(String[] args) {
        boolean alive = args.length > 0 && args[0].equals("--alive");
        int first = alive ? 1 : 0;
        String port = System.getenv().getOrDefault("PORT", "8080");
        String url = args.length > first ? args[first] : "http://127.0.0.1:" + port + "/health";
        System.exit(probe(URI.create(url), alive ? "200|503" : "200"));
    }

    static boolean isHealthy(int port) {
        return probe(URI.create("http://127.0.0.1:" + port + "/health"), "200") == OK;
    }

    /** The outcome of a GET of {@code url}: OK when its status matches {@code statuses} (a regex). */
    static int probe(URI url, String statuses) {
        int port = url.getPort() < 0 ? 80 : url.getPort();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(url.getHost(), port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: " + url.getHost() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] statusLine = in.readNBytes(12);
            return new String(statusLine, StandardCharsets.US_ASCII).matches("HTTP/1\\.[01] (" + statuses + ")") ? OK : FAILED;
        } catch (UnknownHostException e) {
            return UNKNOWN_HOST;
        } catch (SocketTimeoutException e) {
            return TIMED_OUT;
        } catch (IOException | RuntimeException e) {
            return FAILED;
        }
    }
}
