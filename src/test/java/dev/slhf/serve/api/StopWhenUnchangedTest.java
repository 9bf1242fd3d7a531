package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With stop_when_unchanged the refinement ends at the first follower round that repeats its
 * predecessor; the rounds it ran are exactly those of the full refinement.
 */
@QuarkusTest
class StopWhenUnchangedTest {

    // Greedy on the fixture, this prompt settles into a fixed point after a few rounds (found by running it).
    private static final String REQUEST = """
            {"prompt":"Sort: 3 1 2","rounds":8,"temperature":0,"max_tokens":3%s}""";

    private static List<String> texts(String extra) {
        return given().contentType(ContentType.JSON).body(REQUEST.formatted(extra)).post("/v1/refine")
                .then().statusCode(200).extract().jsonPath().getList("rounds.text", String.class);
    }

    @Test
    void stopsAtTheFirstRepeatedRound() {
        List<String> full = texts("");
        assertEquals(9, full.size());
        int firstRepeat = -1;
        for (int k = 1; k < full.size() && firstRepeat < 0; k++) {
            if (full.get(k).equals(full.get(k - 1))) {
                firstRepeat = k;
            }
        }
        assertTrue(firstRepeat > 0 && firstRepeat < 8, "the fixture must repeat before the last round: " + full);

        List<String> stopped = texts(",\"stop_when_unchanged\":true");
        assertEquals(full.subList(0, firstRepeat + 1), stopped);
        assertEquals(texts(",\"stop_when_unchanged\":false"), full);
    }
}
