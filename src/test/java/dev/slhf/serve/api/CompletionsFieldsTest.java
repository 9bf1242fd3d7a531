package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code echo} and {@code ignore_eos} on /v1/completions, on the fixture model. */
@QuarkusTest
class CompletionsFieldsTest {

    private static final String PROMPT = "Once upon a time";

    private static JsonPath complete(String extra) {
        return complete("tiny", extra);
    }

    private static JsonPath complete(String model, String extra) {
        return given().contentType(ContentType.JSON).body("""
                {"model":"%s","prompt":"%s","max_tokens":8,"temperature":0%s}""".formatted(model, PROMPT, extra))
                .post("/v1/completions").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void echoPrependsThePromptToTheSameContinuation() {
        String plain = complete("").getString("choices[0].text");
        JsonPath echoed = complete(",\"echo\":true");
        assertEquals(PROMPT + plain, echoed.getString("choices[0].text"));
        assertEquals(complete("").getInt("usage.completion_tokens"), echoed.getInt("usage.completion_tokens"),
                "usage counts generated tokens only");
    }

    @Test
    void echoStreamsThePromptFirst() {
        String plain = complete("").getString("choices[0].text");
        String body = given().contentType(ContentType.JSON).body("""
                {"model":"tiny","prompt":"%s","max_tokens":8,"temperature":0,"echo":true,"stream":true}"""
                .formatted(PROMPT)).post("/v1/completions").then().statusCode(200).extract().asString();
        List<Sse.Event> events = Sse.parse(body);
        assertEquals(PROMPT, events.get(0).json().path("choices").path(0).path("text").asText());
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> !e.data().equals("[DONE]"))
                .forEach(e -> e.json().path("choices").forEach(c -> text.append(c.path("text").asText())));
        assertEquals(PROMPT + plain, text.toString());
    }

    @Test
    void echoOnThePipelinePrependsThePromptToTheFinalRound() {
        JsonPath r = complete("slhf", ",\"echo\":true,\"refinement_rounds\":1");
        List<String> rounds = r.getList("refinement.text", String.class);
        assertEquals(PROMPT + rounds.get(rounds.size() - 1), r.getString("choices[0].text"));
    }

    @Test
    void ignoreEosGeneratesPastTheEndOfSequence() {
        // a huge bias on the fixture's end-of-sequence token (511) ends a normal completion at once
        JsonPath stops = complete(",\"logit_bias\":{\"511\":100}");
        assertEquals("stop", stops.getString("choices[0].finish_reason"));
        assertEquals(1, stops.getInt("usage.completion_tokens"));
        JsonPath goesOn = complete(",\"logit_bias\":{\"511\":100},\"ignore_eos\":true");
        assertEquals("length", goesOn.getString("choices[0].finish_reason"));
        assertEquals(8, goesOn.getInt("usage.completion_tokens"));
        assertFalse(goesOn.getString("choices[0].text").contains("<|endoftext|>"), "special tokens stay skipped");
    }
}
