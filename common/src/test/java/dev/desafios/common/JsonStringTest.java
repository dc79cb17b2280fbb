package dev.desafios.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Text fields: a lone surrogate is not text and is refused for every service, in one place. */
class JsonStringTest {

    @Test
    void string_loneSurrogateEscapes_400NamingTheField() {
        for (String escaped : new String[] {"\\ud800", "\\udfff", "a\\ud83d", "\\ude00b", "\\ude00\\ud83d",
                "ok \\ud83d\\ude00 then \\ud83d"}) {
            var object = StrictJson.object("{\"title\":\"" + escaped + "\"}", Set.of("title"));

            Problem problem = assertThrows(Problem.class, () -> StrictJson.string(object, "title"), escaped);

            assertEquals(400, problem.status());
            assertTrue(problem.getMessage().contains("'title'"), problem.getMessage());
        }
    }

    @Test
    void string_pairedSurrogatesAndOtherText_keptAsSent() {
        var object = StrictJson.object("{\"a\":\"\\ud83d\\ude00 caf\\u00e9 \\u65e5 \\uFFFF\",\"b\":\"\\ud83d\\ude00\"}",
                Set.of("a", "b"));

        assertEquals("\ud83d\ude00 caf\u00e9 \u65e5 \uffff", StrictJson.string(object, "a"));
        assertEquals("x", StrictJson.string(StrictJson.object("{}", Set.of("b")), "b", "x"));
        assertThrows(Problem.class, () -> StrictJson.string(StrictJson.object("{\"b\":\"\\ud800\"}", Set.of("b")), "b", "x"));
    }
}
