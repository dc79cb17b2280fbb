package dev.desafios.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.Config;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway's settings: defaults, and one line naming the variable for a bad value. */
class GatewaySettingsTest {

    @Test
    void from_nothingSet_defaults() {
        GatewaySettings settings = GatewaySettings.from(new Config(Map.of()));

        assertEquals(URI.create("http://users:8080"), settings.usersUrl());
        assertEquals(URI.create("http://orders:8080"), settings.ordersUrl());
        assertEquals(Duration.ofMillis(500), settings.connectTimeout());
        assertEquals(Duration.ofSeconds(5), settings.requestTimeout());
        assertEquals(Duration.ofMillis(2500), settings.tryTimeout());
        assertEquals(Duration.ofSeconds(5), settings.setAside());
        assertEquals(Duration.ofSeconds(1), settings.dnsTtl());
        assertEquals(65536, settings.maxBodyBytes());
    }

    @Test
    void from_everythingSet_used() {
        GatewaySettings settings = GatewaySettings.from(new Config(Map.of(
                "USERS_URL", "http://users-svc:9000/v1", "ORDERS_URL", "http://10.0.0.5:8080",
                "UPSTREAM_CONNECT_TIMEOUT", "1s", "UPSTREAM_TIMEOUT", "5s", "UPSTREAM_SET_ASIDE", "2s",
                "UPSTREAM_DNS_TTL", "250ms", "MAX_BODY_BYTES", "1024")));

        assertEquals(URI.create("http://users-svc:9000/v1"), settings.usersUrl());
        assertEquals(Duration.ofSeconds(1), settings.connectTimeout());
        assertEquals(Duration.ofSeconds(5), settings.requestTimeout());
        assertEquals(Duration.ofMillis(2500), settings.tryTimeout());
        assertEquals(Duration.ofSeconds(2), settings.setAside());
        assertEquals(Duration.ofMillis(250), settings.dnsTtl());
        assertEquals(1024, settings.maxBodyBytes());
    }

    @Test
    void from_connectTimeoutOverHalfTheDeadline_noSecondTryForSilence() {
        GatewaySettings settings = GatewaySettings.from(new Config(Map.of(
                "UPSTREAM_CONNECT_TIMEOUT", "2s", "UPSTREAM_TIMEOUT", "3s")));

        assertEquals(settings.requestTimeout(), settings.tryTimeout());
    }

    @Test
    void from_badValues_configExceptionNamingTheVariable() {
        Map<String, String> bad = Map.of(
                "USERS_URL", "users:8080",
                "ORDERS_URL", "https://orders:8443",
                "UPSTREAM_TIMEOUT", "3",
                "UPSTREAM_CONNECT_TIMEOUT", "0ms",
                "UPSTREAM_SET_ASIDE", "soon",
                "UPSTREAM_DNS_TTL", "-1s");
        bad.forEach((name, value) -> {
            var e = assertThrows(Config.ConfigException.class, () -> GatewaySettings.from(new Config(Map.of(name, value))));
            assertTrue(e.getMessage().startsWith(name + "="), e.getMessage());
        });
    }

    @Test
    void from_urlWithQuery_configException() {
        assertThrows(Config.ConfigException.class,
                () -> GatewaySettings.from(new Config(Map.of("USERS_URL", "http://users:8080/?x=1"))));
    }
}
