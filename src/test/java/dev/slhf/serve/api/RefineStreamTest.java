package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** /v1/refine with stream:true: event order and texts agree with the non-streaming response. */
@QuarkusTest
class RefineStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Response post(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/v1/refine");
    }

    @Test
    void eventsComeInOrderAndDeltasConcatenateToTheRoundsOfTheNonStreamingResponse() throws Exception {
        String request = """
                {"prompt":"List three colours","rounds":2,"temperature":0,"max_tokens":12%s}""";
        JsonNode plain = JSON.readTree(post(request.formatted("")).then().statusCode(200).extract().asString());
        Response streamed = post(request.formatted(",\"stream\":true"));
        assertEquals(200, streamed.statusCode());
        assertTrue(streamed.contentType().startsWith("text/event-stream"), streamed.contentType());
        List<Sse.Event> events = Sse.parse(streamed.asString());

        int at = 0;
        List<String> roundTexts = new ArrayList<>();
        for (int round = 0; round <= 2; round++) {
            Sse.Event start = events.get(at++);
            assertEquals("round.start", start.name());
            assertEquals(round, start.json().get("round").asInt());
            assertEquals(round == 0 ? "leader" : "follower", start.json().get("role").asText());
            assertEquals("tiny", start.json().get("model").asText());
            StringBuilder text = new StringBuilder();
            while (events.get(at).name().equals("delta")) {
                assertEquals(round, events.get(at).json().get("round").asInt());
                text.append(events.get(at++).json().get("text").asText());
            }
            Sse.Event end = events.get(at++);
            assertEquals("round.end", end.name());
            for (String field : List.of("round", "role", "model", "text", "finish_reason", "prompt_tokens",
                    "completion_tokens")) {
                assertEquals(plain.get("rounds").get(round).get(field), end.json().get(field), field);
            }
            assertEquals(text.toString(), end.json().get("text").asText());
            roundTexts.add(text.toString());
        }
        Sse.Event done = events.get(at++);
        assertEquals("done", done.name());
        assertEquals(at, events.size(), "done is the last event");
        for (int k = 0; k <= 2; k++) {
            assertEquals(plain.get("rounds").get(k).get("text").asText(), roundTexts.get(k), "round " + k);
            assertEquals(roundTexts.get(k), done.json().get("rounds").get(k).get("text").asText());
        }
        assertEquals(plain.get("final"), done.json().get("final"));
        assertEquals(plain.get("usage"), done.json().get("usage"));
    }

    @Test
    void aDraftIsStreamedAsRoundZero() {
        List<Sse.Event> events = Sse.parse(post("""
                {"prompt":"Sort: 3 1 2","draft":"1 2 3","rounds":1,"temperature":0,"max_tokens":6,"stream":true}""")
                .then().statusCode(200).extract().asString());
        assertEquals("round.start", events.get(0).name());
        assertEquals("draft", events.get(0).json().get("role").asText());
        assertTrue(events.get(0).json().get("model").isNull());
        assertEquals("1 2 3", events.get(1).json().get("text").asText());
        assertEquals("round.end", events.get(2).name());
        assertEquals("done", events.get(events.size() - 1).name());
    }

    @Test
    void clientsThatAcceptOnlyEventStreamsAreServed() {
        String events = io.restassured.RestAssured.given().contentType(ContentType.JSON).accept("text/event-stream")
                .body("{\"prompt\":\"Sort: 3 1 2\",\"rounds\":1,\"temperature\":0,\"max_tokens\":4,\"stream\":true}")
                .post("/v1/refine").then().statusCode(200).extract().asString();
        assertEquals("done", Sse.parse(events).get(Sse.parse(events).size() - 1).name());
        String chunks = io.restassured.RestAssured.given().contentType(ContentType.JSON).accept("text/event-stream")
                .body("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3,\"stream\":true}")
                .post("/v1/chat/completions").then().statusCode(200).extract().asString();
        assertTrue(chunks.contains("data: [DONE]"), chunks);
        io.restassured.RestAssured.given().contentType(ContentType.JSON).accept("text/event-stream")
                .body("{\"prompt\":\"hi\",\"stream\":true,\"rounds\":99}").post("/v1/refine")
                .then().statusCode(400).body("error.param", org.hamcrest.Matchers.equalTo("rounds"));
    }

    @Test
    void mistakesFoundBeforeStreamingAreOrdinaryErrors() {
        post("{\"prompt\":\"hi\",\"stream\":true,\"rounds\":99}").then().statusCode(400).contentType(ContentType.JSON)
                .body("error.param", org.hamcrest.Matchers.equalTo("rounds"));
        post("{\"prompt\":\"hi\",\"stream\":true,\"follower\":\"nope\"}").then().statusCode(404)
                .body("error.param", org.hamcrest.Matchers.equalTo("follower"));
        post("{\"prompt\":\"hi\",\"leader\":\"nope\"}").then().statusCode(404)
                .body("error.param", org.hamcrest.Matchers.equalTo("leader"));
        post("{\"prompt\":\"hi\",\"follower_prompt\":\"\"}").then().statusCode(400)
                .body("error.param", org.hamcrest.Matchers.equalTo("follower_prompt"));
    }

    @Test
    void followerPromptOverrideReachesTheFollower() throws Exception {
        String base = """
                {"prompt":"Name a fruit","draft":"apple","rounds":1,"temperature":0,"max_tokens":10%s}""";
        String paper = post(base.formatted("")).then().statusCode(200).extract().path("rounds[1].text");
        String custom = post(base.formatted(",\"follower_prompt\":\"Rewrite it in French.\"")).then().statusCode(200)
                .extract().path("rounds[1].text");
        String direct = given().contentType(ContentType.JSON).body("""
                {"model":"tiny","temperature":0,"max_tokens":10,"messages":[{"role":"user","content":"Name a fruit"},
                 {"role":"assistant","content":"apple"},{"role":"user","content":"Rewrite it in French."}]}""")
                .post("/v1/chat/completions").then().statusCode(200).extract().path("choices[0].message.content");
        assertEquals(direct, custom);
        assertNotEquals(paper, custom, "a different instruction gives the follower a different prompt");
    }

    @Test
    void explicitLeaderAndFollowerNamesAreUsed() {
        post("""
                {"prompt":"hi","leader":"tiny","follower":"tiny","rounds":1,"temperature":0,"max_tokens":3}""")
                .then().statusCode(200)
                .body("rounds.model", org.hamcrest.Matchers.equalTo(List.of("tiny", "tiny")));
    }
}
