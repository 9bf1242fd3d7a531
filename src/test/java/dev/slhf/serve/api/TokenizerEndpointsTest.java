package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slhf.serve.golden.Fixture;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * /tokenize, /detokenize and /apply-template through HTTP on the fixture model, plus a second copy
 * of it ("gemma") carrying Gemma 2's real chat template and clean_up_tokenization_spaces=true:
 * its template rejects a system turn, which must be a 400 quoting the template's own message on
 * every endpoint that renders chats. API keys are on, as the endpoints must share the /v1 auth.
 */
@QuarkusTest
@TestProfile(TokenizerEndpointsTest.WithGemmaTemplate.class)
class TokenizerEndpointsTest {

    static final String KEY = "sk-tokenize-test";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static class WithGemmaTemplate implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path dir = Files.createTempDirectory("slhf-gemma-template");
                try (Stream<Path> files = Files.list(Fixture.model("tiny-qwen"))) {
                    for (Path f : files.toList()) {
                        Files.copy(f, dir.resolve(f.getFileName()));
                    }
                }
                Path config = dir.resolve("tokenizer_config.json");
                ObjectNode node = (ObjectNode) JSON.readTree(config.toFile());
                node.put("chat_template", Files.readString(
                        Path.of("src/test/resources/chat-templates/families/gemma2.jinja"), StandardCharsets.UTF_8));
                node.put("clean_up_tokenization_spaces", true);
                JSON.writeValue(config.toFile(), node);
                return Map.of("slhf.models.gemma.path", dir.toString(), "slhf.api-keys", KEY,
                        "quarkus.http.limits.max-body-size", "64K");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Response post(String path, String body) {
        return given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON).body(body).post(path);
    }

    private static void assertError(Response r, int status, String param, String code) {
        assertEquals(status, r.statusCode(), r.asString());
        assertThat(r.jsonPath().getMap("error")).containsKeys("message", "type", "param", "code");
        assertEquals(param, r.jsonPath().getString("error.param"), r.asString());
        if (code != null) {
            assertEquals(code, r.jsonPath().getString("error.code"), r.asString());
        }
    }

    /** decode/reference.json: ids and decodes from models/tools (bpe.py), independent of the server. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> reference(int i) throws IOException {
        try (InputStream in = TokenizerEndpointsTest.class.getResourceAsStream("/decode/reference.json")) {
            Map<String, Object> file = JSON.readValue(in, new TypeReference<>() {});
            return ((List<Map<String, Object>>) file.get("cases")).get(i);
        }
    }

    @Test
    void tokenizeAPromptGivesTheReferenceIdsAndTokenStrings() throws IOException {
        Map<String, Object> ref = reference(0);
        Response r = post("/tokenize", JSON.writeValueAsString(Map.of("model", "tiny", "prompt", ref.get("text"),
                "return_token_strs", true)));
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(ref.get("ids"), r.jsonPath().getList("tokens"));
        assertEquals(((List<?>) ref.get("ids")).size(), r.jsonPath().getInt("count"));
        assertEquals(1024, r.jsonPath().getInt("max_model_len"));
        // byte-level token strings: 'Ġ' stands for the space
        assertEquals(ref.get("text"), String.join("", r.jsonPath().<String>getList("token_strs")).replace('Ġ', ' '));

        Response plain = post("/tokenize", "{\"model\":\"tiny\",\"prompt\":\"hi\"}");
        assertNull(plain.jsonPath().get("token_strs"));
        assertThat(plain.jsonPath().getMap("$")).containsKey("token_strs");
    }

    @Test
    void chatTokensAreThoseOfTheRenderedTemplateAndRoundTrip() {
        String messages = "[{\"role\":\"user\",\"content\":\"hi {{ there }}\"}]";
        Response prompt = post("/apply-template", "{\"model\":\"tiny\",\"messages\":" + messages + "}");
        assertEquals(200, prompt.statusCode(), prompt.asString());
        assertEquals("<|im_start|>user\nhi {{ there }}<|im_end|>\n<|im_start|>assistant\n",
                prompt.jsonPath().getString("prompt"));
        Response without = post("/apply-template", "{\"model\":\"tiny\",\"messages\":" + messages
                + ",\"add_generation_prompt\":false}");
        assertEquals("<|im_start|>user\nhi {{ there }}<|im_end|>\n", without.jsonPath().getString("prompt"));

        Response tokens = post("/tokenize", "{\"model\":\"tiny\",\"messages\":" + messages + "}");
        assertEquals(200, tokens.statusCode(), tokens.asString());
        List<Integer> ids = tokens.jsonPath().getList("tokens");
        assertEquals(ids.size(), tokens.jsonPath().getInt("count"));
        // the chat markers are single special tokens, not spelled out
        assertEquals(510, ids.get(0));
        Response text = post("/detokenize", "{\"model\":\"tiny\",\"tokens\":" + ids + "}");
        assertEquals(200, text.statusCode(), text.asString());
        assertEquals(prompt.jsonPath().getString("prompt"), text.jsonPath().getString("prompt"));
    }

    @Test
    void detokenizeAppliesTheCheckpointsCleanupSetting() throws IOException {
        Map<String, Object> ref = reference(3); // special tokens, " ." and " ,"
        String body = "{\"model\":\"%s\",\"tokens\":" + ref.get("ids") + "}";
        assertEquals(ref.get("keep_special"), post("/detokenize", body.formatted("tiny")).jsonPath().getString("prompt"));
        assertEquals(ref.get("keep_special_cleaned"),
                post("/detokenize", body.formatted("gemma")).jsonPath().getString("prompt"));
    }

    @Test
    void aTemplateThatRejectsTheConversationIs400QuotingIt() {
        String chat = "{\"model\":\"gemma\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":\"hi\"}]";
        for (String path : List.of("/tokenize", "/apply-template", "/v1/chat/completions")) {
            Response r = post(path, chat + (path.startsWith("/v1") ? ",\"max_tokens\":2}" : "}"));
            assertError(r, 400, "messages", "invalid_conversation");
            assertThat(r.jsonPath().getString("error.message")).contains("System role not supported");
        }
        Response ok = post("/apply-template", "{\"model\":\"gemma\",\"messages\":[{\"role\":\"user\",\"content\":\" hi \"}]}");
        assertEquals("<start_of_turn>user\nhi<end_of_turn>\n<start_of_turn>model\n", ok.jsonPath().getString("prompt"));
    }

    @Test
    void badInputIs4xxInTheOpenAiShape() {
        assertError(post("/tokenize", "{\"prompt\":\"hi\"}"), 400, "model", null);
        assertError(post("/tokenize", "{\"model\":\"nope\",\"prompt\":\"hi\"}"), 404, "model", null);
        assertError(post("/tokenize", "{\"model\":\"slhf\",\"prompt\":\"hi\"}"), 400, "model", null);
        assertError(post("/tokenize", "{\"model\":\"tiny\"}"), 400, "messages", null);
        assertError(post("/tokenize", "{\"model\":\"tiny\",\"prompt\":\"hi\",\"messages\":[]}"), 400, "prompt", null);
        assertError(post("/tokenize", "{\"model\":\"tiny\",\"prompt\":\"hi\",\"add_generation_prompt\":true}"), 400,
                "add_generation_prompt", null);
        assertError(post("/tokenize", "{\"model\":\"tiny\",\"prompt\":\"hi\",\"chat_template\":\"x\"}"), 400,
                "chat_template", null);
        assertError(post("/tokenize", "{\"model\":\"tiny\",\"prompt\":\"hi\",\"return_token_strs\":\"yes\"}"), 400,
                "return_token_strs", null);
        assertError(post("/tokenize", "{\"model\":\"tiny\",\"prompt\":7}"), 400, "prompt", null);
        assertError(post("/tokenize", "{\"model\":\"tiny\",\"messages\":[]}"), 400, "messages", null);
        assertError(post("/tokenize", "{\"model\":\"tiny\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}"),
                400, "messages[0].role", null);
        assertError(post("/tokenize", "[1,2]"), 400, null, null);
        assertError(post("/detokenize", "{\"model\":\"tiny\",\"tokens\":[1,512]}"), 400, "tokens[1]", "invalid_token_id");
        assertError(post("/detokenize", "{\"model\":\"tiny\",\"tokens\":[1,-1]}"), 400, "tokens[1]", "invalid_token_id");
        assertError(post("/detokenize", "{\"model\":\"tiny\",\"tokens\":[1.5]}"), 400, "tokens[0]", "invalid_token_id");
        assertError(post("/detokenize", "{\"model\":\"tiny\",\"tokens\":\"1 2\"}"), 400, "tokens", null);
        assertError(post("/detokenize", "{\"model\":\"tiny\"}"), 400, "tokens", null);
        assertError(post("/apply-template", "{\"model\":\"tiny\"}"), 400, "messages", null);
        assertError(post("/apply-template", "{\"model\":\"tiny\",\"prompt\":\"hi\"}"), 400, "prompt", null);
        assertEquals(400, post("/tokenize", "{\"model\":\"tiny\",").statusCode());
    }

    /** Every field of every endpoint with every JSON type: a 200 or a 4xx in the OpenAI shape, never a 5xx. */
    @Test
    void anyJsonTypeInAnyFieldIsNeverA5xx() {
        Map<String, List<String>> fields = Map.of(
                "/tokenize", List.of("model", "prompt", "messages", "add_generation_prompt", "add_special_tokens",
                        "return_token_strs"),
                "/detokenize", List.of("model", "tokens"),
                "/apply-template", List.of("model", "messages", "add_generation_prompt"));
        List<String> values = List.of("null", "1", "-1", "1.5", "\"x\"", "\"\"", "true", "[]", "{}", "[1,\"a\"]",
                "[{\"role\":\"user\"}]", "[{\"role\":\"user\",\"content\":5}]", "[99999999999]", "[511]");
        int requests = 0;
        for (var endpoint : fields.entrySet()) {
            for (String field : endpoint.getValue()) {
                for (String value : values) {
                    Map<String, String> body = new java.util.LinkedHashMap<>(Map.of("model", "\"tiny\""));
                    if (endpoint.getKey().equals("/detokenize")) {
                        body.put("tokens", "[1,2]");
                    } else if (endpoint.getKey().equals("/apply-template") || !field.equals("prompt")) {
                        body.put("messages", "[{\"role\":\"user\",\"content\":\"hi\"}]");
                    }
                    body.put(field, value);
                    StringBuilder json = new StringBuilder("{");
                    body.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k)
                            .append("\":").append(v));
                    Response r = post(endpoint.getKey(), json.append('}').toString());
                    requests++;
                    assertThat(r.statusCode()).as(endpoint.getKey() + " " + json).isIn(200, 400, 404);
                    if (r.statusCode() != 200) {
                        assertThat(r.jsonPath().getMap("error")).as(r.asString())
                                .containsKeys("message", "type", "param", "code");
                    }
                }
            }
        }
        assertThat(requests).isEqualTo(11 * values.size());
    }

    @Test
    void sameAuthAndBodyLimitAsTheV1Endpoints() {
        for (String path : List.of("/tokenize", "/detokenize", "/apply-template")) {
            Response r = given().contentType(ContentType.JSON).body("{\"model\":\"tiny\",\"prompt\":\"hi\"}").post(path);
            assertError(r, 401, null, "missing_api_key");
        }
        String big = "{\"model\":\"tiny\",\"prompt\":\"" + "x".repeat(70 * 1024) + "\"}";
        assertError(post("/tokenize", big), 413, null, "request_too_large");
    }
}
