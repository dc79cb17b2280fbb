package dev.desafios.common.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The two requests of {@link BadInput} that abuse size and time rather than content: a body far
 * over any limit, declared or streamed, and a client that sends its head one byte a second.
 */
final class SlowAndHugeRequests {
    private static final int TEN_MIB = 10 * 1024 * 1024;

    private SlowAndHugeRequests() {
    }

    /**
     * A body declared as 10 MiB of which only 16 KiB are sent, then one streamed in chunks: a 413
     * (or another 4xx problem, say 405) arrives without the server reading the 10 MiB.
     */
    static void tenMebibyteBody(int port, String method, String path) {
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) RawHttp.READ_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write((head + "Content-Length: " + TEN_MIB + "\r\n\r\n{\"a\":\"").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[16 * 1024]);
            out.flush();
            long start = System.nanoTime();
            RawHttp.Raw answer = RawHttp.read(socket.getInputStream());
            String what = method + " " + path + " declaring 10 MiB";
            BadInput.assertHandlerProblem(answer.status(), answer.header("Content-Type"), answer.body(), what);
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5, what + ": answered late");
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " declaring 10 MiB: " + e, e);
        }
        var written = new AtomicLong();
        // Not a try-with-resources: the socket is closed early, to stop the writer.
        var socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            socket.setSoTimeout((int) RawHttp.READ_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write((head + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    while (written.get() < TEN_MIB) {
                        out.write(chunk);
                        written.addAndGet(0x10000);
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException stopped) {
                    // the server refused the rest, as it should
                }
            });
            RawHttp.Raw answer = RawHttp.read(socket.getInputStream());
            long sent = written.get();
            socket.close();
            writer.join(RawHttp.READ_TIMEOUT);
            String what = method + " " + path + " streaming 10 MiB";
            BadInput.assertHandlerProblem(answer.status(), answer.header("Content-Type"), answer.body(), what);
            assertTrue(sent < TEN_MIB, what + ": the server read all " + sent + " bytes before answering");
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " streaming 10 MiB: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    /**
     * A client sending its request headers one byte a second: meanwhile {@code others} are served
     * (one GET of each path a second, each a 2xx), and the server cuts the slow one off by itself
     * (sun.net.httpserver.maxReqTime, 10 s) well before 14 s.
     */
    static void slowClient(int port, TestHttp http, String path, String... others) {
        long start = System.nanoTime();
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(500);
            byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "a".repeat(100) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            int served = 0;
            for (int i = 0; i < request.length; i++) {
                try {
                    out.write(request[i]);
                    out.flush();
                } catch (IOException cutOff) {
                    break;
                }
                for (String other : others) {
                    int status = http.get(other).statusCode();
                    assertTrue(status >= 200 && status < 300, "GET " + other + " while a client is slow: " + status);
                    served++;
                }
                if (RawHttp.closedWithin(in, Duration.ofSeconds(1))) {
                    break;
                }
                assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 14,
                        "the slow client was not cut off after " + (i + 1) + " bytes");
            }
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            assertTrue(seconds >= 5 && seconds < 14, "cut off after " + seconds + " s");
            assertTrue(served >= 5 * others.length, "others served meanwhile: " + served);
        } catch (IOException e) {
            throw new AssertionError("slow client: " + e, e);
        }
    }
}
