package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/responses} on the fixture model and the pipeline id, checked against chat completions. */
@QuarkusTest
class ResponsesTest {

    private static ValidatableResponse responses(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/v1/responses").then();
    }

    private static JsonPath chat(String messages, int maxTokens) {
        return given().contentType(ContentType.JSON).body("""
                {"model":"tiny","messages":%s,"max_tokens":%d,"temperature":0}""".formatted(messages, maxTokens))
                .post("/v1/chat/completions").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aStringInputIsOneUserTurnAndAnswersLikeChat() {
        JsonPath expected = chat("[{\"role\":\"user\",\"content\":\"Say hello\"}]", 8);
        JsonPath r = responses("""
                {"model":"tiny","input":"Say hello","max_output_tokens":8,"temperature":0}""").statusCode(200)
                .body("object", equalTo("response"))
                .body("id", org.hamcrest.Matchers.startsWith("resp_"))
                .body("model", equalTo("tiny"))
                .body("output[0].type", equalTo("message"))
                .body("output[0].role", equalTo("assistant"))
                .body("output[0].content[0].type", equalTo("output_text"))
                .extract().jsonPath();
        assertEquals(expected.getString("choices[0].message.content"), r.getString("output[0].content[0].text"));
        assertEquals(expected.getInt("usage.prompt_tokens"), r.getInt("usage.input_tokens"));
        assertEquals(expected.getInt("usage.completion_tokens"), r.getInt("usage.output_tokens"));
        assertEquals(r.getInt("usage.input_tokens") + r.getInt("usage.output_tokens"), r.getInt("usage.total_tokens"));
        boolean length = expected.getString("choices[0].finish_reason").equals("length");
        assertEquals(length ? "incomplete" : "completed", r.getString("status"));
        if (length) {
            assertEquals("max_output_tokens", r.getString("incomplete_details.reason"));
        }
    }

    @Test
    void instructionsAndMessageItemsAreTheChatConversation() {
        JsonPath expected = chat("""
                [{"role":"system","content":"Be brief."},{"role":"user","content":"Name a colour"},
                 {"role":"assistant","content":"Red"},{"role":"user","content":"Another"}]""", 10);
        JsonPath r = responses("""
                {"model":"tiny","instructions":"Be brief.","max_output_tokens":10,"temperature":0,"input":[
                  {"role":"user","content":"Name a colour"},
                  {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Red"}]},
                  {"type":"message","role":"user","content":[{"type":"input_text","text":"Ano"},
                                                              {"type":"input_text","text":"ther"}]}]}""")
                .statusCode(200).extract().jsonPath();
        assertEquals(expected.getString("choices[0].message.content"), r.getString("output[0].content[0].text"));
        assertEquals(expected.getInt("usage.prompt_tokens"), r.getInt("usage.input_tokens"));
        assertEquals("Be brief.", r.getString("instructions"));
    }

    @Test
    void theStreamIsTheResponsesEventSequenceAndEqualsTheWholeResponse() {
        String whole = responses("""
                {"model":"tiny","input":"Tell a story","max_output_tokens":12,"temperature":0}""").statusCode(200)
                .extract().path("output[0].content[0].text");
        String body = responses("""
                {"model":"tiny","input":"Tell a story","max_output_tokens":12,"temperature":0,"stream":true}""")
                .statusCode(200).contentType(containsString("text/event-stream")).extract().asString();
        checkStream(Sse.parse(body), whole);
    }

    static void checkStream(List<Sse.Event> events, String expectedText) {
        List<String> types = events.stream().map(Sse.Event::name).toList();
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added"), types.subList(0, 4));
        List<String> tail = types.subList(types.size() - 4, types.size());
        assertEquals(List.of("response.output_text.done", "response.content_part.done", "response.output_item.done"),
                tail.subList(0, 3));
        assertTrue(List.of("response.completed", "response.incomplete").contains(tail.get(3)), tail.toString());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            JsonNode data = events.get(i).json();
            assertEquals(events.get(i).name(), data.path("type").asText());
            assertEquals(i, data.path("sequence_number").asInt(), "sequence numbers count from 0");
            if (i >= 4 && i < events.size() - 4) {
                assertEquals("response.output_text.delta", data.path("type").asText());
                text.append(data.path("delta").asText());
            }
        }
        assertEquals(expectedText, text.toString());
        assertEquals(expectedText, events.get(events.size() - 4).json().path("text").asText());
        JsonNode done = events.get(events.size() - 1).json().path("response");
        assertEquals(expectedText, done.path("output").path(0).path("content").path(0).path("text").asText());
        assertEquals("in_progress", events.get(0).json().path("response").path("status").asText());
        assertEquals(done.path("id").asText(), events.get(0).json().path("response").path("id").asText());
    }

    @Test
    void thePipelineIdAnswersWithItsFinalRound() {
        JsonPath r = responses("""
                {"model":"slhf","input":"Sort: 3 1 2","max_output_tokens":8,"temperature":0,"refinement_rounds":2}""")
                .statusCode(200).body("model", equalTo("slhf")).extract().jsonPath();
        List<String> rounds = r.getList("refinement.text", String.class);
        assertEquals(3, rounds.size());
        assertEquals(rounds.get(2), r.getString("output[0].content[0].text"));
        String body = responses("""
                {"model":"slhf","input":"Sort: 3 1 2","max_output_tokens":8,"temperature":0,"refinement_rounds":2,
                 "stream":true}""").statusCode(200).extract().asString();
        checkStream(Sse.parse(body), rounds.get(2));
    }

    @Test
    void aTokenLimitIsAnIncompleteResponse() {
        JsonPath expected = chat("[{\"role\":\"user\",\"content\":\"Write a long poem\"}]", 3);
        assertEquals("length", expected.getString("choices[0].finish_reason"), "precondition: 3 tokens cut it short");
        responses("""
                {"model":"tiny","input":"Write a long poem","max_output_tokens":3,"temperature":0}""").statusCode(200)
                .body("status", equalTo("incomplete"))
                .body("incomplete_details.reason", equalTo("max_output_tokens"))
                .body("output[0].status", equalTo("incomplete"))
                .body("usage.output_tokens", equalTo(3));
    }

    private static void refused(String fields, String param) {
        responses("{\"model\":\"tiny\",\"input\":\"hi\"," + fields + "}").statusCode(400)
                .contentType(ContentType.JSON)
                .body("error.param", equalTo(param))
                .body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void whatIsNotSupportedIsA400NamingIt() {
        refused("\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":{}}]", "tools");
        refused("\"tool_choice\":\"auto\"", "tool_choice");
        refused("\"previous_response_id\":\"resp_1\"", "previous_response_id");
        refused("\"store\":true", "store");
        refused("\"reasoning\":{\"effort\":\"low\"}", "reasoning");
        refused("\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"x\",\"schema\":{}}}", "text");
        refused("\"include\":[\"message.output_text.logprobs\"]", "include");
        refused("\"background\":true", "background");
        refused("\"truncation\":\"auto\"", "truncation");
        refused("\"conversation\":\"conv_1\"", "conversation");
        refused("\"top_logprobs\":2", "top_logprobs");
        refused("\"max_output_tokens\":0", "max_output_tokens");
        responses("""
                {"model":"tiny","input":[{"role":"user","content":[{"type":"input_image","image_url":"http://x"}]}]}""")
                .statusCode(400).body("error.param", equalTo("input[0].content[0]"));
        responses("""
                {"model":"tiny","input":[{"type":"function_call_output","call_id":"c","output":"{}"}]}""")
                .statusCode(400).body("error.param", equalTo("input[0].type"));
        responses("{\"model\":\"tiny\"}").statusCode(400).body("error.param", equalTo("input"));
        responses("{\"model\":\"nope\",\"input\":\"hi\"}").statusCode(404).body("error.code", equalTo("model_not_found"));
        // the "off" values are fine
        responses("""
                {"model":"tiny","input":"hi","max_output_tokens":2,"tools":[],"tool_choice":"none","store":false,
                 "text":{"format":{"type":"text"}},"truncation":"disabled","include":[],"parallel_tool_calls":false}""")
                .statusCode(200);
    }
}
