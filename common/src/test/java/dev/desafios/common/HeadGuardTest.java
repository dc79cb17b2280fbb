package dev.desafios.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HeadGuardTest {
    @RegisterExtension
    final TestServer server = new TestServer(() -> Server.start(0, new Router(65536, Limits.DEFAULTS)
            .get("/ok", request -> Response.ok(new JsonObject().add("ok", true)))));
    private final TestHttp http = server.http();

    /** Cuts heads older than nothing until one is cut (the server may not have begun reading yet). */
    private static int cutWithin(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        int cut = 0;
        while (cut == 0 && System.nanoTime() < end) {
            cut = HeadGuard.cutSlowHeads(0);
            Thread.sleep(10);
        }
        return cut;
    }

    @Test
    void cutSlowHeads_headHalfSent_connectionClosedAndOthersServed() throws Exception {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(60_000))
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();

            assertEquals(1, cutWithin(2_000));
            assertTrue(closed(socket.getInputStream()), "the cut connection is closed without an answer");
        }
        assertEquals(200, http.get("/ok").statusCode());
    }

    @Test
    void cutSlowHeads_requestsAlreadyAnswered_nothingToCut() {
        for (int i = 0; i < 5; i++) {
            assertEquals(200, http.get("/ok").statusCode());
        }

        assertEquals(0, HeadGuard.cutSlowHeads(0));
    }

    @Test
    void cutSlowHeads_youngerThanSlow_notCut() throws Exception {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.getOutputStream().write("GET /ok HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();

            assertEquals(0, HeadGuard.cutSlowHeads(60_000));
            socket.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(5_000);
            assertTrue(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)
                    .startsWith("HTTP/1.1 200"));
        }
    }

    private static boolean closed(InputStream in) {
        try {
            return in.read() < 0;
        } catch (IOException reset) {
            return true;
        }
    }
}
