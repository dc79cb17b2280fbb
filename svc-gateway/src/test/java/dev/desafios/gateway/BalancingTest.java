package dev.desafios.gateway;

import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.FakeUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replicas behind one name: round robin, an address set aside only when its connect fails (and
 * fails again when checked), one retry when nothing was sent, and the 502/503/504 left.
 */
class BalancingTest {
    private final List<FakeUpstream> fakes = new ArrayList<>();
    private TestGateway gateway;

    @BeforeEach
    void start() {
        gateway = TestGateway.start(Map.of("UPSTREAM_TIMEOUT", "500ms", "UPSTREAM_TRY_TIMEOUT", "200ms",
                "UPSTREAM_SET_ASIDE", "1m"));
    }

    @AfterEach
    void stop() {
        gateway.close();
        fakes.forEach(FakeUpstream::close);
    }

    private FakeUpstream fake(FakeUpstream.Answer answer) {
        FakeUpstream fake = FakeUpstream.start().answer(answer);
        fakes.add(fake);
        return fake;
    }

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
    void oneReplicaRefuses_getsAllSucceedOnTheOther() {
        FakeUpstream down = fake(FakeUpstream.json(200, "{}"));
        FakeUpstream up = fake(FakeUpstream.json(200, "{\"replica\":\"up\"}"));
        gateway.point("users", down, up);
        down.close();

        for (int i = 0; i < 10; i++) {
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        }

        assertEquals(10, up.received().size());
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
    void post_closedWithoutAnswer_notRetried502() {
        // The POST may have been done before the close: it is never sent twice.
        postsToABrokenReplica_eachSentOnce(new FakeUpstream.Answer(0, null, "", Duration.ZERO));
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
    void setAside_expired_addressTriedAgain() {
        gateway.close();
        gateway = TestGateway.start(Map.of("UPSTREAM_SET_ASIDE", "200ms"));
        FakeUpstream flaky = fake(FakeUpstream.json(200, "{}"));
        int port = flaky.port();
        gateway.point("users", flaky);
        flaky.close();
        problem(gateway.http.get("/api/users/1"), 502);
        awaitSetAside(1);
        FakeUpstream back = FakeUpstream.startOn(port);
        fakes.add(back);

        for (int i = 0; i < 50 && back.received().isEmpty(); i++) {
            gateway.http.get("/api/users/1");
            sleep(20);
        }

        assertTrue(!back.received().isEmpty(), "the address was never tried again");
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

    @Test
    void refused_onlyAddress_502Problem() {
        FakeUpstream gone = fake(FakeUpstream.json(200, "{}"));
        gateway.point("users", gone);
        gone.close();

        problem(gateway.http.get("/api/users/1"), 502);
    }

    @Test
    void refused_confirmedThenSetAside_503Problem() {
        FakeUpstream gone = fake(FakeUpstream.json(200, "{}"));
        gateway.point("users", gone);
        gone.close();

        problem(gateway.http.get("/api/users/1"), 502);
        awaitSetAside(1);

        JsonObject problem = problem(gateway.http.get("/api/users/1"), 503);
        assertTrue(problem.getString("detail", "").startsWith("no healthy users instance"), problem.toString());
    }

    @Test
    void bothReplicasRefuse_retriedOnce502() {
        everyReplicaRefuses_eachTriedOnce502(2);
    }

    @Test
    void twoOfThreeRefuse_everyRequestReachesTheThird() {
        // A dead machine takes every replica it ran: connects move on while addresses are left.
        FakeUpstream a = fake(FakeUpstream.json(201, "{}"));
        FakeUpstream b = fake(FakeUpstream.json(201, "{}"));
        FakeUpstream up = fake(FakeUpstream.json(201, "{}"));
        gateway.point("orders", a, b, up);
        a.close();
        b.close();

        for (int i = 0; i < 3; i++) {
            assertEquals(201, gateway.http.postJson("/api/orders", "{}").statusCode());
            assertEquals(201, gateway.http.get("/api/orders/1").statusCode());
        }

        assertEquals(6, up.received().size());
    }

    @Test
    void threeReplicasRefuse_eachTriedOnce502() {
        everyReplicaRefuses_eachTriedOnce502(3);
    }

    private void everyReplicaRefuses_eachTriedOnce502(int replicas) {
        var closed = new FakeUpstream[replicas];
        for (int i = 0; i < replicas; i++) {
            closed[i] = fake(FakeUpstream.json(200, "{}"));
        }
        gateway.point("users", closed);
        for (FakeUpstream replica : closed) {
            replica.close();
        }

        JsonObject problem = problem(gateway.http.get("/api/users/1"), 502);

        assertTrue(problem.getString("detail", "").contains(replicas + " instances tried"), problem.toString());
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
    void refusedPost_triedOnTheOther_storedOnce() {
        FakeUpstream a = fake(FakeUpstream.json(201, "{}"));
        FakeUpstream b = fake(FakeUpstream.json(201, "{}"));
        gateway.point("orders", a, b);
        a.close();

        assertEquals(201, gateway.http.postJson("/api/orders", "{}").statusCode());
        assertEquals(201, gateway.http.postJson("/api/orders", "{}").statusCode());

        assertEquals(2, b.received().size());
    }

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

    @Test
    void nameUnknown_503Problem() {
        problem(gateway.http.get("/api/users/1"), 503);
        problem(gateway.http.postJson("/api/orders", "{}"), 503);
    }

    @Test
    void nameResolvesToNothing_503Problem() {
        gateway.pointPorts("users");

        problem(gateway.http.get("/api/users/1"), 503);
    }

    @Test
    void replicaGoneFromDns_afterFailure_503Problem() {
        gateway.close();
        gateway = TestGateway.start(Map.of("UPSTREAM_DNS_TTL", "1m"));
        FakeUpstream gone = fake(FakeUpstream.json(200, "{}"));
        gateway.point("users", gone);
        assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        gone.close();
        gateway.unknown("users");

        problem(gateway.http.get("/api/users/1"), 503);
    }

    @Test
    void dnsChanges_newAddressesUsedAfterTtl() {
        FakeUpstream old = fake(FakeUpstream.json(200, "{}"));
        FakeUpstream replacement = fake(FakeUpstream.json(200, "{}"));
        gateway.point("users", old);
        assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        gateway.point("users", replacement);

        for (int i = 0; i < 50 && replacement.received().isEmpty(); i++) {
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
            sleep(20);
        }

        assertTrue(!replacement.received().isEmpty(), "the new address got no request");
    }

    /** Waits until the users address(es) are set aside: a GET answers 503. */
    private void awaitSetAside(int count) {
        for (int i = 0; i < 100; i++) {
            if (gateway.http.get("/api/users/1").statusCode() == 503) {
                return;
            }
            sleep(20);
        }
        throw new AssertionError(count + " address(es) never set aside");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
