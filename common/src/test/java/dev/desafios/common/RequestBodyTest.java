package dev.desafios.common;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.desafios.common.testing.BadInput;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

    @Test
    void body_chunkedWithinLimit_accepted() {
        byte[] json = "{\"name\":\"n\",\"count\":1}".getBytes(StandardCharsets.UTF_8);

        json(http.post("/things", "application/json",
                BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(json))), 201);
    }
}
