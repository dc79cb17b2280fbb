package dev.desafios.gateway;

import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import dev.desafios.common.testing.FakeUpstream;
import java.time.Duration;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/**
 * Replicas that accept but do not answer in time: a GET tries each once within the deadline (a
 * POST only one), a 504 at worst, and a slow replica keeps its turn.
 */
class SlowReplicasTest extends BalancingFixture {
    @Test
    void slowReplicas_getTriedOnEachOnce_504WithinTheDeadline() {
        FakeUpstream a = fake(FakeUpstream.json(200, "{}").after(Duration.ofSeconds(3)));
        FakeUpstream b = fake(FakeUpstream.json(200, "{}").after(Duration.ofSeconds(3)));
        gateway.point("users", a, b);

        long started = System.nanoTime();
        problem(gateway.http.get("/api/users/1"), 504);

        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofMillis(1300)) < 0);
        assertEquals(1, a.received().size());
        assertEquals(1, b.received().size());
    }

    @Test
    void oneReplicaSilent_getsAnsweredByTheOther_silentOneNotSetAside() {
        FakeUpstream silent = fake(FakeUpstream.json(200, "{}").after(Duration.ofSeconds(3)));
        FakeUpstream up = fake(FakeUpstream.json(200, "{\"replica\":\"up\"}"));
        gateway.point("users", silent, up);

        for (int i = 0; i < 6; i++) {
            var response = gateway.http.get("/api/users/1");
            assertEquals(200, response.statusCode());
            assertEquals("up", Json.parse(response.body()).asObject().getString("replica", null));
        }

        // It accepts connections: a slow replica is not a gone one, and keeps its turn.
        assertTrue(silent.received().size() >= 3, "the silent replica was set aside");
    }

    @Test
    void twoOfThreeGoSilent_secondTryGoesToTheOneStillAnswering() {
        // A dead machine's replicas all go quiet at once: a second try on the next one round robin would be silent too.
        var fakes = new ArrayList<FakeUpstream>();
        for (int i = 0; i < 3; i++) {
            fakes.add(fake(FakeUpstream.json(200, "{\"replica\":\"" + i + "\"}")));
        }
        // Addresses are taken in order, round robin from the first: the last one answers last.
        fakes.sort(java.util.Comparator.comparingInt(FakeUpstream::port));
        gateway.point("users", fakes.get(0), fakes.get(1), fakes.get(2));
        for (int i = 0; i < 3; i++) {
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        }
        fakes.get(0).answer(FakeUpstream.json(200, "{}").after(Duration.ofSeconds(3)));
        fakes.get(1).answer(FakeUpstream.json(200, "{}").after(Duration.ofSeconds(3)));

        for (int i = 0; i < 6; i++) {
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        }

        assertEquals(7, fakes.get(2).received().size());
    }

    @Test
    void post_silentReplica_notRetried504() {
        FakeUpstream a = fake(FakeUpstream.json(201, "{}").after(Duration.ofSeconds(3)));
        FakeUpstream b = fake(FakeUpstream.json(201, "{}").after(Duration.ofSeconds(3)));
        gateway.point("users", a, b);

        problem(gateway.http.postJson("/api/users", "{\"name\":\"Ana\",\"email\":\"ana@example.com\"}"), 504);

        assertEquals(1, a.received().size() + b.received().size());
    }

    @Test
    void slow_upstream_notSetAside() {
        FakeUpstream slow = fake(FakeUpstream.json(200, "{}").after(Duration.ofSeconds(3)));
        gateway.point("users", slow);
        problem(gateway.http.get("/api/users/1"), 504);
        slow.answer(FakeUpstream.json(200, "{}"));

        assertEquals(200, gateway.http.get("/api/users/1").statusCode());
    }
}
