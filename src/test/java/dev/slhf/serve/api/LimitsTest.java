package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code slhf.limits.*} knobs through HTTP. The request timeout is set so short that every
 * generation is past it before it starts, which makes the 504 path deterministic; a deadline that
 * passes mid-generation is covered by EngineLoopTest.
 */
@QuarkusTest
@TestProfile(LimitsTest.Tight.class)
class LimitsTest {

    public static class Tight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("slhf.limits.max-prompt-tokens", "64", "slhf.limits.max-tokens", "32",
                    "slhf.limits.max-n", "2", "slhf.limits.request-timeout", "1ms", "slhf.refine.max-rounds", "3");
        }
    }

    private static Response chat(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/chat/completions");
    }

    private static void assertError(Response r, int status, String param, String code) {
        assertEquals(status, r.statusCode(), r.asString());
        assertEquals(param, r.jsonPath().getString("error.param"));
        if (code != null) {
            assertEquals(code, r.jsonPath().getString("error.code"));
        }
        assertThat(r.jsonPath().getString("error.message")).isNotBlank();
    }

    @Test
    void aPromptOverTheTokenLimitIs400() {
        String longText = "word ".repeat(200);
        assertError(chat("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"" + longText + "\"}]}"),
                400, "messages", "prompt_too_long");
        assertError(given().contentType(ContentType.JSON).body("{\"model\":\"tiny\",\"prompt\":\"" + longText + "\"}")
                .post("/v1/completions"), 400, "messages", "prompt_too_long");
    }

    @Test
    void maxTokensNAndRoundsOverTheirLimitsAre400() {
        assertError(chat("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":33}"),
                400, "max_tokens", "max_tokens_too_large");
        assertError(chat("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":3}"),
                400, "n", null);
        assertError(given().contentType(ContentType.JSON).body("{\"prompt\":\"hi\",\"rounds\":4}").post("/v1/refine"),
                400, "rounds", null);
    }

    @Test
    void aRequestPastItsTimeoutIs504AndCounted() {
        double before = RefinementMetricsTest.value(RefinementMetricsTest.scrape(),
                "slhf_requests_timed_out_total{model=\"tiny\"}");
        assertError(chat("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":5}"),
                504, null, "request_timeout");
        Response refine = given().contentType(ContentType.JSON).body("{\"prompt\":\"hi\",\"rounds\":2,\"max_tokens\":5}")
                .post("/v1/refine");
        assertError(refine, 504, null, "request_timeout");
        assertEquals("timeout", refine.jsonPath().getString("error.type"));

        // a stream has sent its status already: the error arrives as an event, then [DONE]
        String stream = chat("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_tokens\":5,\"stream\":true}").then().statusCode(200).extract().asString();
        assertThat(stream).contains("\"code\":\"request_timeout\"");
        assertThat(stream.strip()).endsWith("data: [DONE]");

        double after = RefinementMetricsTest.value(RefinementMetricsTest.scrape(),
                "slhf_requests_timed_out_total{model=\"tiny\"}");
        assertThat(after - before).isGreaterThanOrEqualTo(3);
    }
}
