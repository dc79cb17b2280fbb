package dev.desafios.gateway;

import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.FakeUpstream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Replicas that refuse the connection: the request goes on to another address (a POST too, since
 * nothing was sent), an address is set aside once its refusal is confirmed and tried again when
 * that expires, and the 502 or 503 left names what was tried.
 */
class RefusedReplicasTest extends BalancingFixture {
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
    void setAside_expired_addressTriedAgain() {
        gateway.restart(Map.of("UPSTREAM_SET_ASIDE", "200ms"));
        FakeUpstream flaky = fake(FakeUpstream.json(200, "{}"));
        int port = flaky.port();
        gateway.point("users", flaky);
        flaky.close();
        problem(gateway.http.get("/api/users/1"), 502);
        awaitSetAside(1);
        FakeUpstream back = FakeUpstream.startOn(port);
        gateway.closing(back);

        for (int i = 0; i < 50 && back.received().isEmpty(); i++) {
            gateway.http.get("/api/users/1");
            sleep(20);
        }

        assertTrue(!back.received().isEmpty(), "the address was never tried again");
    }

    @Test
    void bothReplicasRefuse_retriedOnce502() {
        everyReplicaRefuses_eachTriedOnce502(2);
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
    void refusedPost_triedOnTheOther_storedOnce() {
        FakeUpstream a = fake(FakeUpstream.json(201, "{}"));
        FakeUpstream b = fake(FakeUpstream.json(201, "{}"));
        gateway.point("orders", a, b);
        a.close();

        assertEquals(201, gateway.http.postJson("/api/orders", "{}").statusCode());
        assertEquals(201, gateway.http.postJson("/api/orders", "{}").statusCode());

        assertEquals(2, b.received().size());
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
}
