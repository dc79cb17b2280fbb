package dev.desafios.gateway;

import dev.desafios.common.testing.FakeUpstream;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The gateway in front of replicas behind one name, faked on 127.0.0.1: what the balancing tests share. */
abstract class BalancingFixture {
    /** A GET's first try bounded at 200 ms, the whole call at 500 ms; an address set aside stays so a minute. */
    @RegisterExtension
    final TestGateway gateway = TestGateway.with(Map.of("UPSTREAM_TIMEOUT", "500ms", "UPSTREAM_TRY_TIMEOUT", "200ms",
            "UPSTREAM_SET_ASIDE", "1m"));

    /** A fake upstream answering this way, closed after the gateway. */
    FakeUpstream fake(FakeUpstream.Answer answer) {
        FakeUpstream fake = FakeUpstream.start().answer(answer);
        gateway.closing(fake);
        return fake;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
