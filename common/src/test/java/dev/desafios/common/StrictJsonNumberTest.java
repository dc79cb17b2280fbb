package dev.desafios.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;

class StrictJsonNumberTest {

    private static long whole(String number) {
        return StrictJson.whole(StrictJson.object("{\"n\":" + number + "}", Set.of("n")), "n", 1, Long.MAX_VALUE);
    }

    @Test
    void whole_thousandsOfDigits_400WithoutParsingThem() {
        for (String number : new String[] {"1" + "0".repeat(60_000), "0".repeat(100) + "1", "1." + "0".repeat(60_000)}) {
            Problem problem = assertThrows(Problem.class, () -> whole(number));
            assertEquals(400, problem.status());
        }
    }

    @Test
    void whole_largestLongAndWholeForms_accepted() {
        assertEquals(Long.MAX_VALUE, whole(Long.toString(Long.MAX_VALUE)));
        assertEquals(100, whole("1.00e2"));
        assertEquals(3, whole("3.000000000000000000000000000000000000"));
    }
}
