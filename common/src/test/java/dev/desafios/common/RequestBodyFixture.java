package dev.desafios.common;

import static dev.desafios.common.testing.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real server the request-body tests post to: {@code POST /things} reads strict JSON
 * ({@code name}, {@code count} 0-1000, optional {@code note}) under a 16 KiB limit and counts what
 * it accepted; {@code GET /things} returns that count.
 */
abstract class RequestBodyFixture {
    /** The largest body the server reads. */
    static final int LIMIT = 16 * 1024;

    private final AtomicInteger accepted = new AtomicInteger();
    @RegisterExtension
    final TestServer server = new TestServer(this::serve);
    final TestHttp http = server.http();

    private Server serve() {
        var router = new Router(LIMIT)
                .post("/things", request -> {
                    JsonObject json = request.jsonBody(Set.of("name", "count", "note"));
                    String name = StrictJson.string(json, "name");
                    long count = StrictJson.whole(json, "count", 0, 1000);
                    String note = StrictJson.string(json, "note", "none");
                    accepted.incrementAndGet();
                    return Response.created("/things/1",
                            new JsonObject().add("name", name).add("count", count).add("note", note));
                })
                .get("/things", request -> Response.ok(new JsonObject().add("accepted", accepted.get())));
        return Server.start(0, router);
    }

    /** Nothing was stored, and the server still answers. */
    void assertNothingAcceptedAndStillServing() {
        assertEquals(0, json(http.get("/things"), 200).getInt("accepted", -1));
    }
}
