package dev.desafios.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.desafios.common.Problem;
import org.junit.jupiter.api.Test;

/** The path rules, one by one, before any request is routed. */
class SafePathTest {

    @Test
    void normalise_plainPath_unchanged() {
        assertEquals("/api/users/1", SafePath.normalise("/api/users/1"));
        assertEquals("/api/orders", SafePath.normalise("/api/orders"));
        assertEquals("/", SafePath.normalise("/"));
    }

    @Test
    void normalise_doubleSlashes_collapsedKeepingTrailingSlash() {
        assertEquals("/api/users/1", SafePath.normalise("//api///users//1"));
        assertEquals("/api/users/", SafePath.normalise("/api/users//"));
        assertEquals("/", SafePath.normalise("//"));
    }

    @Test
    void normalise_encodedUnreserved_decoded() {
        assertEquals("/api/users/1", SafePath.normalise("/%61pi/%75sers/%31"));
        assertEquals("/api/users/a.b~c", SafePath.normalise("/api/users/a%2eb%7Ec"));
    }

    @Test
    void normalise_specialCharacters_reEncoded() {
        assertEquals("/api/users/jos%C3%A9", SafePath.normalise("/api/users/jos%c3%a9"));
        assertEquals("/api/users/a%20b", SafePath.normalise("/api/users/a%20b"));
        assertEquals("/api/users/1%3Fadmin=1%23x", SafePath.normalise("/api/users/1%3fadmin=1%23x"));
        assertEquals("/api/users/%F0%9F%98%80", SafePath.normalise("/api/users/%F0%9F%98%80"));
        assertEquals("/api/users/a;b=c:d@e", SafePath.normalise("/api/users/a;b=c:d@e"));
    }

    @Test
    void normalise_dotSegments_400() {
        for (String path : new String[] {"/api/users/../../admin", "/api/users/..", "/api/./users",
                "/api/users/%2e%2e/orders", "/api/users/%2E%2E", "/api/users/.%2e/x", "/api/users/%2e",
                "/api/users/..;/admin", "/api/users/.;x", "/api/users/%2e%2e%3b/admin", "/.."}) {
            assertRefused(400, path);
        }
    }

    @Test
    void normalise_threeDots_keptAsAName() {
        assertEquals("/api/users/...", SafePath.normalise("/api/users/..."));
    }

    @Test
    void normalise_encodedSlashOrBackslash_400() {
        for (String path : new String[] {"/api/users%2f..%2fadmin", "/api/users/%2F", "/api/users/%5c..%5cadmin",
                "/api/users/\\..\\admin", "/api%5Cusers"}) {
            assertRefused(400, path);
        }
    }

    @Test
    void normalise_doubleEncoding_400() {
        for (String path : new String[] {"/api/users/%252e%252e/admin", "/api/users/%252f", "/api/users/%25",
                "/api/users/100%25"}) {
            assertRefused(400, path);
        }
    }

    @Test
    void normalise_controlCharacters_400() {
        for (String path : new String[] {"/api/users/%00", "/api/users/1%0d%0aX-Injected:%201", "/api/users/%7f",
                "/api/users/a\tb", "/api/users/a b", "/api/users/\u0000"}) {
            assertRefused(400, path);
        }
    }

    @Test
    void normalise_malformedEscapeOrNotUtf8_400() {
        for (String path : new String[] {"/api/users/%", "/api/users/%2", "/api/users/%zz", "/api/users/%c3%28",
                "/api/users/%ff", "/api/users/%\u0661\u0662"}) {
            assertRefused(400, path);
        }
    }

    @Test
    void normalise_rawNonAscii_400() {
        assertRefused(400, "/api/users/jos\u00e9");
    }

    @Test
    void normalise_notStartingWithSlash_400() {
        assertRefused(400, "api/users");
        assertRefused(400, "");
        assertRefused(400, null);
    }

    @Test
    void normalise_tooLong_414() {
        assertRefused(414, "/api/users/" + "a".repeat(SafePath.MAX_LENGTH));
    }

    private static void assertRefused(int status, String path) {
        Problem problem = assertThrows(Problem.class, () -> SafePath.normalise(path), () -> "accepted: " + path);
        assertEquals(status, problem.status(), path);
    }
}
