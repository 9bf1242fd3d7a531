package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

/** OpenAI fields this server does not implement are a 400 naming them, unless they hold their "off" value. */
@QuarkusTest
class RefusedFieldsTest {

    private static final String CHAT = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"max_tokens\":2,\"temperature\":0,";

    private static ValidatableResponse chat(String fields) {
        return given().contentType(ContentType.JSON).body(CHAT + fields + "}").when().post("/v1/chat/completions").then();
    }

    private static void refused(ValidatableResponse r, String param, String says) {
        r.statusCode(400).contentType(ContentType.JSON)
                .body("error.param", equalTo(param))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("unsupported_parameter"))
                .body("error.message", containsString(says));
    }

    @Test
    void structuredOutputIsRefusedButTextIsFine() {
        refused(chat("\"response_format\":{\"type\":\"json_object\"}"), "response_format", "structured output");
        refused(chat("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{}}}"),
                "response_format", "structured output");
        chat("\"response_format\":{\"type\":\"text\"}").statusCode(200);
        chat("\"response_format\":null").statusCode(200);
    }

    @Test
    void toolsAreRefusedButAnEmptyListAndNoneAreFine() {
        refused(chat("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}]"), "tools",
                "tool calls");
        refused(chat("\"tool_choice\":\"auto\""), "tool_choice", "tool calls");
        refused(chat("\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}"), "tool_choice",
                "tool calls");
        refused(chat("\"functions\":[{\"name\":\"f\"}]"), "functions", "tool calls");
        refused(chat("\"function_call\":\"auto\""), "function_call", "tool calls");
        chat("\"tools\":[],\"tool_choice\":\"none\",\"parallel_tool_calls\":false").statusCode(200);
    }

    @Test
    void toolMessagesAndNamedTurnsAreRefused() {
        given().contentType(ContentType.JSON).body("""
                {"model":"tiny","messages":[{"role":"user","content":"hi","name":"bob"}]}""")
                .post("/v1/chat/completions").then().statusCode(400).body("error.param", equalTo("messages[0].name"));
        given().contentType(ContentType.JSON).body("""
                {"model":"tiny","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"",
                 "tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}]}""")
                .post("/v1/chat/completions").then().statusCode(400).body("error.param", equalTo("messages[1].tool_calls"));
    }

    @Test
    void theOtherUnimplementedChatFieldsAreRefused() {
        refused(chat("\"store\":true"), "store", "keeps no");
        refused(chat("\"metadata\":{\"k\":\"v\"}"), "metadata", "stores none");
        refused(chat("\"modalities\":[\"text\",\"audio\"]"), "modalities", "text");
        refused(chat("\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"}"), "audio", "audio");
        refused(chat("\"prediction\":{\"type\":\"content\",\"content\":\"x\"}"), "prediction", "predicted");
        refused(chat("\"reasoning_effort\":\"low\""), "reasoning_effort", "reasoning");
        refused(chat("\"web_search_options\":{}"), "web_search_options", "web search");
        refused(chat("\"service_tier\":\"flex\""), "service_tier", "one tier");
        chat("\"store\":false,\"metadata\":{},\"modalities\":[\"text\"],\"service_tier\":\"auto\"").statusCode(200);
    }

    @Test
    void completionsRefuseSuffixAndBestOf() {
        String base = "{\"model\":\"tiny\",\"prompt\":\"hi\",\"max_tokens\":2,";
        refused(given().contentType(ContentType.JSON).body(base + "\"suffix\":\"end\"}").post("/v1/completions").then(),
                "suffix", "fill-in-the-middle");
        refused(given().contentType(ContentType.JSON).body(base + "\"best_of\":3}").post("/v1/completions").then(),
                "best_of", "best_of");
        refused(given().contentType(ContentType.JSON).body(base + "\"best_of\":1,\"n\":2}").post("/v1/completions")
                .then(), "best_of", "best_of");
        refused(given().contentType(ContentType.JSON).body(base + "\"echo\":true,\"logprobs\":1}").post("/v1/completions")
                .then(), "echo", "logprobs");
        given().contentType(ContentType.JSON).body(base + "\"suffix\":\"\",\"best_of\":2,\"n\":2}").post("/v1/completions")
                .then().statusCode(200);
    }
}
