package dev.desafios.sqlite;

import static dev.desafios.common.testing.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that does not read its answer is cut off after the response time bound (the JDK's
 * sun.net.httpserver.maxRspTime, which Server sets to 10 s): the answer is not held for it any
 * longer. The answer must be larger than the kernel's socket buffers take (4 MiB here), or the
 * server is done with it at once: a page of 100 of the largest notes, with the byte bound raised.
 */
class NotesSlowReaderTest {
    private static final int RESPONSE_TIME_BOUND_SECONDS = 10;
    private static final Pattern LENGTH = Pattern.compile("(?i)content-length: (\\d+)");

    @TempDir
    Path dir;

    @RegisterExtension
    final TestServer notes = new TestServer(() -> NotesService.start(TestServer.freePorts(Map.of(
            "DB_PATH", dir.resolve("notes.db").toString(), "MAX_PAGE_BYTES", String.valueOf(16 * 1024 * 1024)))));
    private final TestHttp http = notes.http();

    @Test
    void list_clientNeverReads_cutAfterTheResponseTimeBound() throws Exception {
        String body = new JsonObject().add("title", "worst").add("body", "\u2028".repeat(Note.New.MAX_BODY)).toString();
        for (int i = 0; i < 100; i++) {
            json(http.postJson("/notes", body), 201);
        }

        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(2048);
            socket.connect(new InetSocketAddress("127.0.0.1", notes.port()));
            socket.getOutputStream().write("GET /notes?limit=100 HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // Not reading is the point: the server's write blocks once the socket buffers are full.
            Thread.sleep((RESPONSE_TIME_BOUND_SECONDS + 3) * 1000L);

            socket.setSoTimeout(2000);
            byte[] received = readUntilClosed(socket.getInputStream());
            String text = new String(received, StandardCharsets.ISO_8859_1);
            Matcher length = LENGTH.matcher(text);
            assertTrue(text.startsWith("HTTP/1.1 200") && length.find(), text.substring(0, Math.min(200, text.length())));
            int bodyBytes = received.length - text.indexOf("\r\n\r\n") - 4;
            assertTrue(bodyBytes < Long.parseLong(length.group(1)),
                    "cut short: " + bodyBytes + " of " + length.group(1) + " bytes");
        }
        assertEquals(201, http.postJson("/notes", "{\"title\":\"after\"}").statusCode());
    }

    /** Everything the server sent before it closed; a silence of 2 s means it did not close. */
    private static byte[] readUntilClosed(InputStream in) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the server still holds the connection after " + out.size() + " bytes");
        } catch (IOException reset) {
            // A reset is a cut too.
        }
        return out.toByteArray();
    }
}
