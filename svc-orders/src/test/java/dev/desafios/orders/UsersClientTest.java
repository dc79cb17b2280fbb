package dev.desafios.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.Problem;
import dev.desafios.common.testing.FakeUpstream;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Orders' calls to users: one deadline covers the body too, bodies are bounded, problems name no address. */
class UsersClientTest {
    private static final String USER = "{\"id\":1,\"name\":\"Ana\",\"email\":\"ana@example.com\"}";
    private final FakeUpstream users = FakeUpstream.start();
    private final UsersClient client = new UsersClient(users.uri(""), Duration.ofMillis(500));

    @AfterEach
    void stop() {
        users.close();
    }

    @Test
    void find_bodyTrickles_504WithinTheTimeout() {
        users.answer(FakeUpstream.json(200, USER).trickled(Duration.ofMillis(50)));

        long start = System.nanoTime();
        Problem problem = assertThrows(Problem.class, () -> client.find(1, "r"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(504, problem.status());
        assertTrue(tookMs < 1200, "answered after " + tookMs + " ms");
    }

    @Test
    void find_bodyStalls_504WithinTheTimeout() {
        users.answer(FakeUpstream.json(200, USER).trickled(Duration.ofMinutes(1)));

        long start = System.nanoTime();
        assertEquals(504, assertThrows(Problem.class, () -> client.find(1, "r")).status());
        assertTrue(System.nanoTime() - start < 1_200_000_000L);
    }

    @Test
    void find_hugeBody_502() {
        users.answer(FakeUpstream.json(200, "{\"id\":1,\"name\":\"" + "x".repeat(100_000) + "\"}"));

        assertEquals(502, assertThrows(Problem.class, () -> client.find(1, "r")).status());
    }

    @Test
    void find_refused_problemSaysUsersNotTheAddress() {
        users.close();

        Problem problem = assertThrows(Problem.class, () -> client.find(1, "r"));

        assertEquals(502, problem.status());
        assertEquals("users refused the connection", problem.getMessage());
        assertFalse(problem.getMessage().contains(String.valueOf(users.port())));
    }

    @Test
    void find_usersAnswers503Or504_passedOnAsItIs() {
        // A timeout of its own: a first call on a loaded machine may take longer than the others' 500 ms.
        var patient = new UsersClient(users.uri(""), Duration.ofSeconds(10));
        for (int status : new int[] {503, 504}) {
            users.answer(FakeUpstream.json(status, "{\"status\":" + status + "}"));

            Problem problem = assertThrows(Problem.class, () -> patient.find(1, "r"));

            assertEquals(status, problem.status());
            assertEquals("users answered " + status + " for user 1", problem.getMessage());
        }
        patient.close();
    }

    @Test
    void find_userAnswered_returned() {
        users.answer(FakeUpstream.json(200, USER));

        assertEquals("Ana", client.find(1, "r").orElseThrow().getString("name", null));
    }
}
