package dev.desafios.api;

import static dev.desafios.common.testing.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import dev.desafios.common.testing.RawHttp;
import dev.desafios.common.testing.TestHttp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Challenge 3 through HTTP with hostile headers: SQL in a User-Agent is stored as text, a bad
 * request id is replaced, control characters are stored clean; never a 5xx.
 */
class PostgresRedisApiHostileInputIT extends PostgresRedisApiFixture {
    @Test
    void hello_hostileUserAgents_storedAsTextNeverRun() throws Exception {
        TestHttp http = start(Map.of());
        // Under the 8 KiB header limit (a longer one is a 431), over the 512 characters stored.
        String sixKb = "A'\";--".repeat(6 * 1024 / 6);
        List<String> agents = List.of(
                "'; DROP TABLE accesses; --",
                "Robert'); DROP TABLE accesses;--",
                "\" OR 1=1 --",
                "\\'; SELECT pg_sleep(10); --",
                "$$; DROP TABLE accesses; $$",
                "%00%27%22",
                sixKb);
        long rows = stores.rows();
        for (String agent : agents) {
            String requestId = "it-hostile-" + System.nanoTime();
            HttpResponse<String> response = http.send(http.request("/")
                    .header("X-Request-Id", requestId).header("User-Agent", agent));
            long id = json(response, 200).getLong("accessId", -1);

            String expected = agent.length() > 512 ? agent.substring(0, 512) : agent;
            assertEquals(expected, stored(id, "user_agent"));
            assertEquals(requestId, stored(id, "request_id"));
        }
        assertEquals(rows + agents.size(), stores.rows(), "the table is still there, one row per call");
    }

    @Test
    void hello_hostileRequestId_replacedNotStored() throws Exception {
        TestHttp http = start(Map.of());

        HttpResponse<String> response = http.send(http.request("/")
                .header("X-Request-Id", "x'; DROP TABLE accesses; --"));
        long id = json(response, 200).getLong("accessId", -1);

        String returned = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertNotEquals("x'; DROP TABLE accesses; --", returned);
        assertEquals(returned, stored(id, "request_id"));
    }

    @Test
    void hello_controlCharactersAndNulInHeaders_storedCleanNeverA5xx() throws Exception {
        start(Map.of());
        var raw = new RawHttp(lastServer.port());
        long rows = stores.rows();
        int accepted = 0;
        String[] agents = {"a\u0000b", "tab\there", "bell\u0007del\u007f", "esc\u001b[31mred", "latin1 \u00e9\u00ff"};
        for (String agent : agents) {
            String requestId = "it-raw-" + System.nanoTime();
            RawHttp.Raw answer = raw.rawBytes(("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: " + agent
                    + "\r\nX-Request-Id: " + requestId + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(answer.status() < 500, agent + " -> " + answer.status());
            if (answer.status() == 200) {
                accepted++;
                long id = Json.parse(answer.body()).asObject().getLong("accessId", -1);
                // NUL is removed (PostgreSQL text cannot hold it); the JDK's parser turns a tab into a space.
                assertEquals(agent.replace("\u0000", "").replace('\t', ' '), stored(id, "user_agent"));
            }
        }
        assertEquals(rows + accepted, stores.rows());
        assertTrue(accepted >= agents.length - 1, "at most the NUL header may be refused by the JDK's parser");
    }
}
