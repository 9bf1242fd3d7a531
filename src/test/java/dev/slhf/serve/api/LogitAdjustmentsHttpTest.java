package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * logit_bias, frequency_penalty and presence_penalty change what the fixture model generates, on
 * every endpoint and in every refinement round. Token 65 of the fixture vocabulary is "A".
 */
@QuarkusTest
class LogitAdjustmentsHttpTest {

    private static final String PROMPT = "The quick brown fox jumps over the lazy dog";

    private static ValidatableResponse post(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).when().post(path).then();
    }

    /** The tokens of a greedy completion (from logprobs, which report raw-model tokens one by one). */
    private static List<String> tokens(String extra, int maxTokens) {
        return post("/v1/completions", """
                {"model":"tiny","prompt":"%s","max_tokens":%d,"temperature":0,"ignore_eos":true,"logprobs":0%s}"""
                .formatted(PROMPT, maxTokens, extra)).statusCode(200).extract().jsonPath()
                .getList("choices[0].logprobs.tokens", String.class);
    }

    private static int repeats(List<String> tokens) {
        return tokens.size() - new HashSet<>(tokens).size();
    }

    @Test
    void aHugeLogitBiasMakesGreedyProduceThatToken() {
        List<String> plain = tokens("", 6);
        List<String> biased = tokens(",\"logit_bias\":{\"65\":100}", 6);
        assertNotEquals(List.of("A", "A", "A", "A", "A", "A"), plain, "precondition: the model does not say A anyway");
        assertEquals(List.of("A", "A", "A", "A", "A", "A"), biased);
    }

    @Test
    void aStrongFrequencyPenaltyStopsTheRepetitionOfGreedyOutput() {
        List<String> plain = tokens("", 40);
        assertTrue(repeats(plain) > 5, "precondition: greedy output of the fixture repeats itself: " + plain);
        List<String> penalised = tokens(",\"frequency_penalty\":2.0", 40);
        assertNotEquals(plain, penalised);
        // token texts, not ids: distinct byte tokens may both print as U+FFFD (ids: PenaltiesOnFixtureTest)
        assertTrue(repeats(penalised) < repeats(plain), plain + " vs " + penalised);
        // a negative penalty rewards repetition
        assertTrue(repeats(tokens(",\"frequency_penalty\":-2.0", 40)) >= repeats(plain));
    }

    @Test
    void aStrongPresencePenaltyStopsTheRepetitionToo() {
        List<String> plain = tokens("", 40);
        List<String> penalised = tokens(",\"presence_penalty\":2.0", 40);
        assertNotEquals(plain, penalised);
        assertTrue(repeats(penalised) < repeats(plain), plain + " vs " + penalised);
    }

    @Test
    void theBiasAppliesInEveryRefinementRound() {
        JsonPath r = post("/v1/refine", """
                {"prompt":"%s","rounds":2,"temperature":0,"max_tokens":4,"ignore_eos":true,"logit_bias":{"65":100}}"""
                .formatted(PROMPT)).statusCode(200).extract().jsonPath();
        assertEquals(List.of("AAAA", "AAAA", "AAAA"), r.getList("rounds.text", String.class));
        JsonPath chat = post("/v1/chat/completions", """
                {"model":"slhf","messages":[{"role":"user","content":"%s"}],"refinement_rounds":2,"temperature":0,
                 "max_tokens":4,"ignore_eos":true,"logit_bias":{"65":100}}""".formatted(PROMPT))
                .statusCode(200).extract().jsonPath();
        assertEquals(List.of("AAAA", "AAAA", "AAAA"), chat.getList("refinement.text", String.class));
        assertEquals("AAAA", chat.getString("choices[0].message.content"));
    }

    @Test
    void penaltiesApplyInEveryRefinementRound() {
        JsonPath r = post("/v1/refine", """
                {"prompt":"%s","rounds":1,"temperature":0,"max_tokens":30,"ignore_eos":true,"presence_penalty":2.0}"""
                .formatted(PROMPT)).statusCode(200).extract().jsonPath();
        JsonPath plain = post("/v1/refine", """
                {"prompt":"%s","rounds":1,"temperature":0,"max_tokens":30,"ignore_eos":true}"""
                .formatted(PROMPT)).statusCode(200).extract().jsonPath();
        assertNotEquals(plain.getString("rounds[0].text"), r.getString("rounds[0].text"));
        assertNotEquals(plain.getString("rounds[1].text"), r.getString("rounds[1].text"));
    }

    @Test
    void outOfRangeValuesAndUnknownTokenIdsAre400() {
        String base = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2,";
        post("/v1/chat/completions", base + "\"logit_bias\":{\"512\":5}}").statusCode(400)
                .body("error.param", equalTo("logit_bias")).body("error.type", equalTo("invalid_request_error"));
        post("/v1/chat/completions", base + "\"logit_bias\":{\"-1\":5}}").statusCode(400)
                .body("error.param", equalTo("logit_bias"));
        post("/v1/chat/completions", base + "\"logit_bias\":{\"A\":5}}").statusCode(400)
                .body("error.param", equalTo("logit_bias"));
        post("/v1/chat/completions", base + "\"logit_bias\":{\"65\":101}}").statusCode(400)
                .body("error.param", equalTo("logit_bias"));
        post("/v1/chat/completions", base + "\"frequency_penalty\":2.5}").statusCode(400)
                .body("error.param", equalTo("frequency_penalty"));
        post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"hi\",\"presence_penalty\":-3}").statusCode(400)
                .body("error.param", equalTo("presence_penalty"));
        post("/v1/refine", "{\"prompt\":\"hi\",\"logit_bias\":{\"9999\":1}}").statusCode(400)
                .body("error.param", equalTo("logit_bias"));
        // the edges of the ranges are fine
        post("/v1/chat/completions", base + "\"logit_bias\":{\"511\":-100,\"0\":100},\"frequency_penalty\":-2,"
                + "\"presence_penalty\":2}").statusCode(200);
    }
}
