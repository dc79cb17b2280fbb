package dev.desafios.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void port_unset_defaults8080() {
        assertEquals(8080, new Config(Map.of()).port());
        assertEquals(8080, new Config(Map.of("PORT", " ")).port());
    }

    @Test
    void port_valid_read() {
        assertEquals(9000, new Config(Map.of("PORT", "9000")).port());
    }

    @Test
    void portsZero_accepted_freePortsPickedAtStart() {
        var config = new Config(Map.of("PORT", "0", "ADMIN_PORT", "0"));

        assertEquals(0, config.port());
        assertEquals(0, config.adminPort(), "two free ports are not the same port");
    }

    @Test
    void port_notANumber_errorNamesPort() {
        var e = assertThrows(Config.ConfigException.class, () -> new Config(Map.of("PORT", "abc")).port());

        assertTrue(e.getMessage().startsWith("PORT="), e.getMessage());
        assertTrue(e.getMessage().contains("'abc'"), e.getMessage());
    }

    @Test
    void port_outOfRange_errorNamesPort() {
        for (String bad : new String[] {"65536", "-1", "80.5", "99999999999999999999"}) {
            var e = assertThrows(Config.ConfigException.class, () -> new Config(Map.of("PORT", bad)).port());
            assertTrue(e.getMessage().startsWith("PORT="), e.getMessage());
        }
    }

    @Test
    void maxBodyBytes_zero_errorNamesVariable() {
        var e = assertThrows(Config.ConfigException.class,
                () -> new Config(Map.of("MAX_BODY_BYTES", "0")).maxBodyBytes());

        assertTrue(e.getMessage().startsWith("MAX_BODY_BYTES="), e.getMessage());
        assertEquals(65536, new Config(Map.of()).maxBodyBytes());
    }

    @Test
    void duration_units_read() {
        var config = new Config(Map.of("A", "500ms", "B", "2s", "C", "1m"));

        assertEquals(Duration.ofMillis(500), config.duration("A", Duration.ZERO));
        assertEquals(Duration.ofSeconds(2), config.duration("B", Duration.ZERO));
        assertEquals(Duration.ofMinutes(1), config.duration("C", Duration.ZERO));
        assertEquals(Duration.ofSeconds(7), config.duration("UNSET", Duration.ofSeconds(7)));
    }

    @Test
    void duration_twoHours_errorNamesVariable() {
        var e = assertThrows(Config.ConfigException.class,
                () -> new Config(Map.of("POLL_INTERVAL", "2 hours")).duration("POLL_INTERVAL", Duration.ofSeconds(2)));

        assertTrue(e.getMessage().startsWith("POLL_INTERVAL="), e.getMessage());
        assertTrue(e.getMessage().contains("2 hours"), e.getMessage());
    }

    @Test
    void duration_zeroNegativeOrUnitless_error() {
        for (String bad : new String[] {"0s", "0ms", "-1s", "5", "2h", "1.5s", "s"}) {
            assertThrows(Config.ConfigException.class,
                    () -> new Config(Map.of("POLL_INTERVAL", bad)).duration("POLL_INTERVAL", Duration.ofSeconds(2)),
                    bad);
        }
    }

    @Test
    void url_valid_readAndDefault() {
        assertEquals(URI.create("http://api:8080/"), new Config(Map.of()).url("TARGET_URL", "http://api:8080/"));
        assertEquals(URI.create("https://example.org/x"),
                new Config(Map.of("TARGET_URL", "https://example.org/x")).url("TARGET_URL", null));
        assertNull(new Config(Map.of()).url("TARGET_URL", null));
    }

    @Test
    void url_bad_errorNamesVariable() {
        for (String bad : new String[] {"api:8080", "ftp://api/", "http://", "not a url", "/relative", "http://a b/"}) {
            var e = assertThrows(Config.ConfigException.class,
                    () -> new Config(Map.of("TARGET_URL", bad)).url("TARGET_URL", null), bad);
            assertTrue(e.getMessage().startsWith("TARGET_URL="), e.getMessage());
        }
    }

    @Test
    void configException_controlCharactersInValue_notPrinted() {
        var e = assertThrows(Config.ConfigException.class, () -> new Config(Map.of("PORT", "80\n81")).port());

        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void whole_nonAsciiDigits_errorNamesVariable() {
        for (String digits : new String[] {"\uFF18\uFF10", "\u0668\u0660", "\u096E\u0966", "8\u200B0"}) {
            var error = assertThrows(Config.ConfigException.class, () -> new Config(Map.of("PORT", digits)).port());
            assertTrue(error.getMessage().startsWith("PORT="), error.getMessage());
        }
        assertEquals(80, new Config(Map.of("PORT", "+80")).port());
    }
}
