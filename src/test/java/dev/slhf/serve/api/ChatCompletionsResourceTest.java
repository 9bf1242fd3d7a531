package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ChatCompletionsResourceTest {

    private static ValidatableResponse post(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/v1/chat/completions").then();
    }

    private static void assertError(ValidatableResponse r, int status, String param) {
        r.statusCode(status)
                .contentType(ContentType.JSON)
                .body("error.message", notNullValue())
                .body("error.type", notNullValue())
                .body("error", hasKey("param"))
                .body("error", hasKey("code"));
        if (param != null) {
            r.body("error.param", equalTo(param));
        }
    }

    @Test
    void returnsAStandardChatCompletion() {
        post("""
                {"model":"tiny","messages":[{"role":"user","content":"Hello there"}],"max_tokens":8,"temperature":0}""")
                .statusCode(200)
                .body("object", equalTo("chat.completion"))
                .body("id", startsWith("chatcmpl-"))
                .body("model", equalTo("tiny"))
                .body("created", greaterThan(0))
                .body("choices[0].index", equalTo(0))
                .body("choices[0].message.role", equalTo("assistant"))
                .body("choices[0].message.content", notNullValue())
                .body("choices[0].finish_reason", notNullValue())
                .body("usage.prompt_tokens", greaterThan(3))
                .body("usage.total_tokens", greaterThan(3));
    }

    @Test
    void maxCompletionTokensLimitsLikeMaxTokens() {
        String body = """
                {"model":"tiny","messages":[{"role":"user","content":"count"}],"max_completion_tokens":3,"temperature":0,
                 "stop":null,"user":"someone","unknown_field":{"x":1}}""";
        int completion = post(body).statusCode(200).extract().path("usage.completion_tokens");
        String finish = post(body).statusCode(200).extract().path("choices[0].finish_reason");
        // a stop token may end generation earlier; otherwise the limit must hold exactly
        assertEquals(true, completion <= 3);
        if (completion < 3) {
            assertEquals("stop", finish);
        } else {
            assertEquals("length", finish);
        }
    }

    @Test
    void sameSeedSameTextWhenSampling() {
        String body = """
                {"model":"tiny","messages":[{"role":"user","content":"Tell me something"}],"max_tokens":24,
                 "temperature":1.0,"top_p":0.95,"top_k":50,"seed":1234}""";
        String a = post(body).statusCode(200).extract().path("choices[0].message.content");
        String b = post(body).statusCode(200).extract().path("choices[0].message.content");
        assertEquals(a, b);
    }

    @Test
    void stopStringIsExcludedFromTheContent() {
        String full = post("""
                {"model":"tiny","messages":[{"role":"user","content":"Say a few words"}],"max_tokens":30,"temperature":0}""")
                .statusCode(200).extract().path("choices[0].message.content");
        // pick a stop string from the middle of the greedy output
        String stop = full.substring(full.length() / 2, full.length() / 2 + 2);
        String cut = post("""
                {"model":"tiny","messages":[{"role":"user","content":"Say a few words"}],"max_tokens":30,"temperature":0,
                 "stop":[%s]}""".formatted(new com.fasterxml.jackson.databind.node.TextNode(stop).toString()))
                .statusCode(200).body("choices[0].finish_reason", equalTo("stop"))
                .extract().path("choices[0].message.content");
        assertEquals(full.substring(0, full.indexOf(stop)), cut);
        assertFalse(cut.contains(stop));
    }

    @Test
    void contentAsTextPartsEqualsPlainString() {
        String a = post("""
                {"model":"tiny","messages":[{"role":"user","content":"Hello world"}],"max_tokens":6,"temperature":0}""")
                .statusCode(200).extract().path("choices[0].message.content");
        String b = post("""
                {"model":"tiny","messages":[{"role":"user","content":[{"type":"text","text":"Hello "},{"type":"text","text":"world"}]}],
                 "max_tokens":6,"temperature":0}""")
                .statusCode(200).extract().path("choices[0].message.content");
        assertEquals(a, b);
    }

    @Test
    void unknownModelIs404() {
        assertError(post("""
                {"model":"nope","messages":[{"role":"user","content":"hi"}]}"""), 404, "model");
    }

    @Test
    void invalidSamplingParametersAre400() {
        String m = "\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertError(post("{" + m + ",\"temperature\":-0.5}"), 400, "temperature");
        assertError(post("{" + m + ",\"top_p\":0}"), 400, "top_p");
        assertError(post("{" + m + ",\"top_p\":1.5}"), 400, "top_p");
        assertError(post("{" + m + ",\"max_tokens\":0}"), 400, "max_tokens");
        assertError(post("{" + m + ",\"max_tokens\":-3}"), 400, "max_tokens");
        assertError(post("{" + m + ",\"temperature\":\"hot\"}"), 400, "temperature");
        assertError(post("{" + m + ",\"stop\":[1,2]}"), 400, "stop");
        assertError(post("{" + m + ",\"stop\":\"\"}"), 400, "stop");
    }

    @Test
    void badMessagesAre400() {
        assertError(post("{\"model\":\"tiny\",\"messages\":[]}"), 400, "messages");
        assertError(post("{\"model\":\"tiny\"}"), 400, "messages");
        assertError(post("{\"model\":\"tiny\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}"), 400,
                "messages[0].role");
        assertError(post("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\"}]}"), 400, "messages[0].content");
        assertError(post("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400, "model");
    }

    @Test
    void malformedJsonIs400() {
        assertError(post("{\"model\":\"tiny\",\"messages\":[{"), 400, null);
        assertError(post("not json at all"), 400, null);
        assertError(post(""), 400, null);
    }

    @Test
    void promptBeyondTheContextIs400NotACrash() {
        String huge = "word ".repeat(3000);
        assertError(post("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"" + huge + "\"}]}"), 400,
                "messages");
        post("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"" + huge + "\"}]}")
                .body("error.code", equalTo("context_length_exceeded"));
        assertError(post("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":100000}"),
                400, "max_tokens");
    }

    @Test
    void unknownEndpointIsAJson404() {
        given().when().get("/v1/nothing-here").then().statusCode(404).contentType(ContentType.JSON)
                .body("error.message", notNullValue());
    }
}
