package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Extreme values of every sampling field on every endpoint, in process: never a 5xx ({@link SamplingEdgeValues}). */
@QuarkusTest
class SamplingEdgeValuesTest {

    @Test
    void extremeSamplingValuesNeverGiveA5xx() {
        List<String> violations = new ArrayList<>();
        Map<Integer, Integer> byStatus = new TreeMap<>();
        for (SamplingEdgeValues.Case c : SamplingEdgeValues.cases(20261202L, 280)) {
            Response r = given().contentType(ContentType.JSON).body(c.body()).post(c.path());
            byStatus.merge(r.statusCode(), 1, Integer::sum);
            String why = SamplingEdgeValues.violation(r.statusCode(), r.asString());
            if (why != null) {
                violations.add(why + ": " + c.path() + " " + c.body() + " -> " + r.asString());
            }
        }
        assertThat(violations).isEmpty();
        // both outcomes occur: the values are not all refused, and not all accepted
        assertThat(byStatus).containsKeys(200, 400);
    }
}
