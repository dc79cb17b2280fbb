package dev.desafios.common;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.testing.BadInput;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Request bodies through a real server: the size limit, declared or chunked. */
class RequestBodyTest extends RequestBodyFixture {
    /** The 413 leaves before the exchange closes: closing drains the unread body, which this client never sends. */
    @Test
    void body_declaredTenMebibytesOnlyPartSent_413AtOnce() {
        var fuzz = new BadInput(server.port(), () -> assertEquals(200, http.get("/things").statusCode()));

        fuzz.tenMebibyteBody("POST", "/things");
    }

    @Test
    void body_exactlyAtLimit_accepted() {
        String head = "{\"name\":\"";
        String tail = "\",\"count\":1}";
        String json = head + "x".repeat(LIMIT - head.length() - tail.length()) + tail;
        assertEquals(LIMIT, json.getBytes(StandardCharsets.UTF_8).length);

        json(http.postJson("/things", json), 201);
    }

    @Test
    void body_contentLengthOverLimit_413AndNothingAccepted() {
        String json = "{\"name\":\"" + "x".repeat(LIMIT) + "\",\"count\":1}";

        HttpResponse<String> response = http.postJson("/things", json);

        assertEquals("Content Too Large", problem(response, 413).getString("title", null));
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_chunkedOverLimit_413AndNothingAccepted() {
        byte[] json = ("{\"name\":\"" + "x".repeat(LIMIT) + "\",\"count\":1}").getBytes(StandardCharsets.UTF_8);
        // A stream of unknown length goes out chunked, without Content-Length.
        var chunked = BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(json));

        HttpResponse<String> response = http.post("/things", "application/json", chunked);

        problem(response, 413);
        assertNothingAcceptedAndStillServing();
    }

    /** Where a broken chunked body ends is unknown: what follows it must not be read as a request. */
    @Test
    void body_brokenChunkedThenARequest_one400AndTheConnectionClosed() throws Exception {
        String request = "POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nXGET /things HTTP/1.1\r\nHost: x\r\n\r\n";
        String answered;
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            // Read to the end: the server closes after its one answer.
            answered = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }

        assertTrue(answered.startsWith("HTTP/1.1 400 "), answered);
        assertTrue(answered.toLowerCase(Locale.ROOT).contains("connection: close"), answered);
        assertEquals(1, answered.split("HTTP/1.1 ", -1).length - 1, answered);
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_chunkedWithinLimit_accepted() {
        byte[] json = "{\"name\":\"n\",\"count\":1}".getBytes(StandardCharsets.UTF_8);

        json(http.post("/things", "application/json",
                BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(json))), 201);
    }
}
