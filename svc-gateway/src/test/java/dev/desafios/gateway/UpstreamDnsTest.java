package dev.desafios.gateway;

import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.testing.FakeUpstream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a service name resolves to: nothing is a 503, and new addresses are used once the answer expires. */
class UpstreamDnsTest extends BalancingFixture {
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
        gateway.restart(Map.of("UPSTREAM_DNS_TTL", "1m"));
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
}
