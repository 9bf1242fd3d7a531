package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slhf.serve.refine.FollowerPrompt;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RefineResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ValidatableResponse refine(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/v1/refine").then();
    }

    /** The text /v1/chat/completions gives for one conversation, greedy. */
    private static Map<String, Object> chat(List<Map<String, String>> messages, int maxTokens) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", "tiny").put("temperature", 0).put("max_tokens", maxTokens);
        ArrayNode ms = body.putArray("messages");
        messages.forEach(m -> ms.addObject().put("role", m.get("role")).put("content", m.get("content")));
        JsonPath r = given().contentType(ContentType.JSON).body(body.toString()).post("/v1/chat/completions")
                .then().statusCode(200).extract().jsonPath();
        return Map.of("text", r.getString("choices[0].message.content"),
                "finish_reason", r.getString("choices[0].finish_reason"),
                "prompt_tokens", r.getInt("usage.prompt_tokens"),
                "completion_tokens", r.getInt("usage.completion_tokens"));
    }

    private static Map<String, String> turn(String role, String content) {
        return Map.of("role", role, "content", content);
    }

    @Test
    void greedyRefinementEqualsTheThreeConversationsCalledOneByOne() throws Exception {
        String x = "Sort these numbers: 5 3 9";
        JsonPath r = refine("""
                {"prompt":"%s","rounds":2,"temperature":0,"max_tokens":20}""".formatted(x))
                .statusCode(200)
                .body("object", equalTo("refinement"))
                .body("rounds", hasSize(3))
                .body("rounds[0].role", equalTo("leader"))
                .body("rounds[1].role", equalTo("follower"))
                .body("rounds[2].role", equalTo("follower"))
                .body("rounds.model", equalTo(List.of("tiny", "tiny", "tiny")))
                .body("rounds.round", equalTo(List.of(0, 1, 2)))
                .extract().jsonPath();

        String instruction = FollowerPrompt.PAPER_INSTRUCTION;
        Map<String, Object> y0 = chat(List.of(turn("user", x)), 20);
        Map<String, Object> y1 = chat(List.of(turn("user", x), turn("assistant", (String) y0.get("text")),
                turn("user", instruction)), 20);
        Map<String, Object> y2 = chat(List.of(turn("user", x), turn("assistant", (String) y1.get("text")),
                turn("user", instruction)), 20);
        List<Map<String, Object>> expected = List.of(y0, y1, y2);
        for (int k = 0; k < 3; k++) {
            Map<String, Object> e = expected.get(k);
            assertEquals(e.get("text"), r.getString("rounds[" + k + "].text"), "round " + k);
            assertEquals(e.get("finish_reason"), r.getString("rounds[" + k + "].finish_reason"));
            assertEquals(e.get("prompt_tokens"), r.getInt("rounds[" + k + "].prompt_tokens"));
            assertEquals(e.get("completion_tokens"), r.getInt("rounds[" + k + "].completion_tokens"));
        }
        assertEquals(r.getString("rounds[2].text"), r.getString("final"));
        int promptSum = 0, completionSum = 0;
        for (Map<String, Object> e : expected) {
            promptSum += (Integer) e.get("prompt_tokens");
            completionSum += (Integer) e.get("completion_tokens");
        }
        assertEquals(promptSum, r.getInt("usage.prompt_tokens"));
        assertEquals(completionSum, r.getInt("usage.completion_tokens"));
    }

    @Test
    void callerDraftBecomesRoundZeroAndIsRefinedAsGiven() throws Exception {
        String draft = "  3 5 9 \n"; // untrimmed on purpose: handed over verbatim
        JsonPath r = refine("""
                {"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Sort: 5 3 9"}],
                 "draft":"  3 5 9 \\n","rounds":1,"temperature":0,"max_tokens":12}""")
                .statusCode(200)
                .body("rounds", hasSize(2))
                .body("rounds[0].role", equalTo("draft"))
                .body("rounds[0].model", nullValue())
                .body("rounds[0].text", equalTo(draft))
                .body("rounds[1].role", equalTo("follower"))
                .extract().jsonPath();
        Map<String, Object> y1 = chat(List.of(turn("system", "Be brief."), turn("user", "Sort: 5 3 9"),
                turn("assistant", draft), turn("user", FollowerPrompt.PAPER_INSTRUCTION)), 12);
        assertEquals(y1.get("text"), r.getString("rounds[1].text"));
    }

    @Test
    void zeroRoundsReturnsOnlyTheLeader() {
        refine("""
                {"prompt":"hi","rounds":0,"temperature":0,"max_tokens":4}""")
                .statusCode(200).body("rounds", hasSize(1)).body("rounds[0].role", equalTo("leader"));
    }

    @Test
    void defaultRoundsComeFromConfiguration() {
        refine("""
                {"prompt":"hi","temperature":0,"max_tokens":4}""").statusCode(200).body("rounds", hasSize(3));
    }

    @Test
    void invalidRequestsAre400InTheOpenAiShape() {
        refine("{\"prompt\":\"hi\",\"rounds\":-1}").statusCode(400).body("error.param", equalTo("rounds"));
        refine("{\"prompt\":\"hi\",\"rounds\":1000}").statusCode(400).body("error.param", equalTo("rounds"));
        refine("{\"prompt\":\"hi\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode(400)
                .body("error.param", equalTo("prompt"));
        refine("{\"rounds\":1}").statusCode(400).body("error.param", equalTo("prompt"));
        refine("{\"prompt\":\"hi\",\"temperature\":-1}").statusCode(400).body("error.param", equalTo("temperature"));
        refine("{\"prompt\":\"hi\",\"max_tokens\":0}").statusCode(400).body("error.param", equalTo("max_tokens"));
        refine("{\"prompt\":").statusCode(400).body("error.type", equalTo("invalid_request_error"));
    }
}
