package dev.desafios.gateway;

import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.testing.FakeUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replicas behind one name that accept the connection: round robin, and whatever they answer
 * (garbage, a close, a 503, a 507) fails that request only and never sets an address aside; only
 * what was never sent is tried again.
 */
class BalancingTest extends BalancingFixture {
    @Test
    void twoReplicas_roundRobin_bothReceiveEqually() {
        FakeUpstream a = fake(FakeUpstream.json(200, "{\"replica\":\"a\"}"));
        FakeUpstream b = fake(FakeUpstream.json(200, "{\"replica\":\"b\"}"));
        gateway.point("users", a, b);

        for (int i = 0; i < 10; i++) {
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        }

        assertEquals(5, a.received().size());
        assertEquals(5, b.received().size());
    }

    @Test
    void oneReplicaAnswersGarbage_502ForThoseRequestsOnly_neverSetAside() {
        FakeUpstream broken = fake(FakeUpstream.garbage());
        FakeUpstream up = fake(FakeUpstream.json(200, "{}"));
        gateway.point("users", broken, up);

        var statuses = new ArrayList<Integer>();
        for (int i = 0; i < 10; i++) {
            statuses.add(gateway.http.get("/api/users/1").statusCode());
        }

        // The request was sent: its failure is that request's, and nothing is retried or set aside.
        assertEquals(5, statuses.stream().filter(status -> status == 502).count(), statuses.toString());
        assertEquals(5, broken.received().size());
        assertEquals(5, up.received().size());
        broken.answer(FakeUpstream.json(200, "{}"));
        for (int i = 0; i < 4; i++) {
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        }
        assertEquals(7, broken.received().size());
    }

    @Test
    void bothReplicasAnswerGarbage_notRetried502() {
        FakeUpstream a = fake(FakeUpstream.garbage());
        FakeUpstream b = fake(FakeUpstream.garbage());
        gateway.point("users", a, b);

        problem(gateway.http.get("/api/users/1"), 502);

        assertEquals(1, a.received().size() + b.received().size());
    }

    @Test
    void replicasCloseOnEveryRequest_bothStayInRotation() {
        // What an upstream's own parser does with a request it will not read (too many headers).
        FakeUpstream a = fake(new FakeUpstream.Answer(0, null, "", Duration.ZERO));
        FakeUpstream b = fake(new FakeUpstream.Answer(0, null, "", Duration.ZERO));
        gateway.point("users", a, b);

        for (int i = 0; i < 6; i++) {
            problem(gateway.http.get("/api/users/1"), 502);
        }
        a.answer(FakeUpstream.json(201, "{}"));
        b.answer(FakeUpstream.json(201, "{}"));
        int aBefore = a.received().size();
        int bBefore = b.received().size();

        for (int i = 0; i < 4; i++) {
            assertEquals(201, gateway.http.get("/api/users/1").statusCode());
            assertEquals(201, gateway.http.postJson("/api/users", "{}").statusCode());
        }
        assertEquals(4, a.received().size() - aBefore);
        assertEquals(4, b.received().size() - bBefore);
    }

    @Test
    void oneReplicaClosesWithoutAnswer_getsAnsweredByTheOther_neitherSetAside() {
        // What a replica that is stopping does with a request on a kept connection.
        FakeUpstream closing = fake(new FakeUpstream.Answer(0, null, "", Duration.ZERO));
        FakeUpstream up = fake(FakeUpstream.json(200, "{}"));
        gateway.point("users", closing, up);

        for (int i = 0; i < 10; i++) {
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        }

        assertEquals(10, up.received().size());
        assertTrue(closing.received().size() >= 4, "the closing replica lost its turn: " + closing.received().size());
        closing.answer(FakeUpstream.json(200, "{}"));
        int before = closing.received().size();
        for (int i = 0; i < 4; i++) {
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        }
        assertEquals(2, closing.received().size() - before);
    }

    @Test
    void twoOfThreeReplicasClose_aGetGoesOnToTheThird() {
        // After a node restarts, swarm may run two of its old replicas for a moment, each closing as it stops.
        FakeUpstream a = fake(new FakeUpstream.Answer(0, null, "", Duration.ZERO));
        FakeUpstream b = fake(new FakeUpstream.Answer(0, null, "", Duration.ZERO));
        FakeUpstream c = fake(FakeUpstream.json(200, "{}"));
        gateway.point("users", a, b, c);

        for (int i = 0; i < 6; i++) {
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        }
        assertEquals(6, c.received().size());
    }

    @Test
    void oneReplicaAnswers503_getsAnsweredByTheOther_postsNotRetried() {
        // What a replica whose database is out of its reach, or that is stopping, answers.
        FakeUpstream unavailable = fake(FakeUpstream.json(503, "{\"status\":503}"));
        FakeUpstream up = fake(FakeUpstream.json(200, "{}"));
        gateway.point("users", unavailable, up);

        for (int i = 0; i < 6; i++) {
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        }
        int before = unavailable.received().size() + up.received().size();
        var posts = new ArrayList<Integer>();
        for (int i = 0; i < 4; i++) {
            posts.add(gateway.http.postJson("/api/users", "{}").statusCode());
        }

        assertTrue(posts.contains(503), "a POST answered 503 was sent again: " + posts);
        assertEquals(before + 4, unavailable.received().size() + up.received().size(), "a POST was sent twice");
        unavailable.answer(FakeUpstream.json(200, "{}"));
        int again = unavailable.received().size();
        for (int i = 0; i < 4; i++) {
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        }
        assertEquals(2, unavailable.received().size() - again, "a 503 set the address aside");
    }

    @Test
    void everyReplicaAnswers503_the503PassedOn_eachTriedOnce() {
        FakeUpstream a = fake(FakeUpstream.json(503, "{\"status\":503}"));
        FakeUpstream b = fake(FakeUpstream.json(503, "{\"status\":503}"));
        gateway.point("users", a, b);

        assertEquals(503, gateway.http.get("/api/users/1").statusCode());

        assertEquals(1, a.received().size());
        assertEquals(1, b.received().size());
    }

    @Test
    void anyStatus_507Included_neverSetsAnAddressAside() {
        FakeUpstream full = fake(FakeUpstream.json(507, "{}"));
        gateway.point("users", full);

        for (int i = 0; i < 5; i++) {
            assertEquals(507, gateway.http.postJson("/api/users", "{}").statusCode());
        }
        full.answer(FakeUpstream.json(200, "{}"));

        assertEquals(200, gateway.http.get("/api/users/1").statusCode());
    }

    @Test
    void post_closedWithoutAnswer_notRetried502() {
        // The POST may have been done before the close: it is never sent twice.
        postsToABrokenReplica_eachSentOnce(new FakeUpstream.Answer(0, null, "", Duration.ZERO));
    }

    @Test
    void post_replicaBroken_notRetried502() {
        postsToABrokenReplica_eachSentOnce(FakeUpstream.garbage());
    }

    /** Two POSTs, round robin over a replica that answers {@code broken} and a healthy one. */
    private void postsToABrokenReplica_eachSentOnce(FakeUpstream.Answer broken) {
        FakeUpstream bad = fake(broken);
        FakeUpstream up = fake(FakeUpstream.json(201, "{}"));
        gateway.point("orders", bad, up);

        int first = gateway.http.postJson("/api/orders", "{}").statusCode();
        int second = gateway.http.postJson("/api/orders", "{}").statusCode();

        assertEquals(List.of(201, 502), List.of(first, second).stream().sorted().toList());
        assertEquals(1, bad.received().size());
        assertEquals(1, up.received().size());
    }
}
