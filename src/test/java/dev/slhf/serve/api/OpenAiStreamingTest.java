package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chat and text completions in the OpenAI wire format: n, seeds, logprobs, chunk protocol. */
@QuarkusTest
class OpenAiStreamingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Response post(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).post(path);
    }

    private static JsonNode json(Response r) throws Exception {
        assertEquals(200, r.statusCode(), r.asString());
        return JSON.readTree(r.asString());
    }

    @Test
    void chatStreamFollowsTheChunkProtocolPerChoice() throws Exception {
        String request = """
                {"model":"tiny","messages":[{"role":"user","content":"Tell a story"}],"max_tokens":10,
                 "temperature":0.9,"seed":42,"n":3%s}""";
        JsonNode whole = json(post("/v1/chat/completions", request.formatted("")));
        Response streamed = post("/v1/chat/completions",
                request.formatted(",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertEquals(200, streamed.statusCode());
        assertTrue(streamed.contentType().startsWith("text/event-stream"));
        List<Sse.Event> events = Sse.parse(streamed.asString());
        assertEquals("[DONE]", events.get(events.size() - 1).data());
        JsonNode usage = events.get(events.size() - 2).json();
        assertEquals(0, usage.get("choices").size());
        assertEquals(whole.get("usage"), usage.get("usage"));

        StringBuilder[] texts = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
        boolean[] started = new boolean[3];
        String[] finish = new String[3];
        for (Sse.Event e : events.subList(0, events.size() - 2)) {
            JsonNode chunk = e.json();
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            JsonNode choice = chunk.get("choices").get(0);
            int i = choice.get("index").asInt();
            assertFalse(finish[i] != null, "nothing after a choice's finish_reason");
            if (!started[i]) {
                assertEquals("assistant", choice.at("/delta/role").asText(), "role comes first");
                started[i] = true;
            }
            if (choice.get("finish_reason").isTextual()) {
                finish[i] = choice.get("finish_reason").asText();
            }
            if (choice.at("/delta/content").isTextual()) {
                texts[i].append(choice.at("/delta/content").asText());
            }
        }
        for (int i = 0; i < 3; i++) {
            JsonNode c = whole.get("choices").get(i);
            assertEquals(c.at("/message/content").asText(), texts[i].toString(), "choice " + i);
            assertEquals(c.get("finish_reason").asText(), finish[i]);
        }
        // seed + i per choice: reproducible, yet the choices are different samples
        assertNotEquals(texts[0].toString(), texts[1].toString());
    }

    @Test
    void chatLogprobsDescribeEveryGeneratedToken() throws Exception {
        JsonNode r = json(post("/v1/chat/completions", """
                {"model":"tiny","messages":[{"role":"user","content":"hi"}],"max_tokens":6,"temperature":0,
                 "logprobs":true,"top_logprobs":3}"""));
        JsonNode content = r.at("/choices/0/logprobs/content");
        assertEquals(r.at("/usage/completion_tokens").asInt(), content.size());
        StringBuilder bytes = new StringBuilder();
        for (JsonNode token : content) {
            assertEquals(3, token.get("top_logprobs").size());
            // greedy: the chosen token is the most likely one
            assertEquals(token.get("logprob").asDouble(), token.at("/top_logprobs/0/logprob").asDouble(), 1e-9);
            assertTrue(token.get("logprob").asDouble() <= 0);
            byte[] raw = new byte[token.get("bytes").size()];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = (byte) token.get("bytes").get(i).asInt();
            }
            bytes.append(new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        String text = r.at("/choices/0/message/content").asText();
        if (r.at("/choices/0/finish_reason").asText().equals("length")) {
            assertEquals(text, new String(bytes.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                    java.nio.charset.StandardCharsets.UTF_8), "token bytes join to the text");
        }
        post("/v1/chat/completions", """
                {"model":"tiny","messages":[{"role":"user","content":"hi"}],"top_logprobs":2}""")
                .then().statusCode(400).body("error.param", equalTo("top_logprobs"));
        post("/v1/chat/completions", """
                {"model":"tiny","messages":[{"role":"user","content":"hi"}],"logprobs":true,"top_logprobs":21}""")
                .then().statusCode(400).body("error.param", equalTo("top_logprobs"));
    }

    @Test
    void nIsBounded() {
        for (int n : new int[] {0, Integer.MAX_VALUE}) {
            post("/v1/chat/completions", """
                    {"model":"tiny","messages":[{"role":"user","content":"hi"}],"n":%d}""".formatted(n))
                    .then().statusCode(400).body("error.param", equalTo("n"));
        }
        post("/v1/chat/completions", """
                {"model":"slhf","messages":[{"role":"user","content":"hi"}],"n":2}""")
                .then().statusCode(400).body("error.param", equalTo("n"));
        post("/v1/chat/completions", """
                {"model":"slhf","messages":[{"role":"user","content":"hi"}],"refinement_rounds":99}""")
                .then().statusCode(400).body("error.param", equalTo("refinement_rounds"));
    }

    @Test
    void mistakesFoundWhenStartingAStreamKeepTheirStatus() {
        post("/v1/chat/completions", """
                {"model":"tiny","messages":[{"role":"user","content":"hi"}],"max_tokens":100000,"stream":true}""")
                .then().statusCode(400).contentType(ContentType.JSON).body("error.param", equalTo("max_tokens"));
        String huge = "word ".repeat(3000);
        post("/v1/chat/completions", """
                {"model":"slhf","messages":[{"role":"user","content":"%s"}],"stream":true}""".formatted(huge))
                .then().statusCode(400).body("error.code", equalTo("context_length_exceeded"));
        post("/v1/refine", """
                {"prompt":"%s","stream":true}""".formatted(huge))
                .then().statusCode(400).body("error.code", equalTo("context_length_exceeded"));
    }

    @Test
    void pipelineIdOnChatEqualsRefine() throws Exception {
        JsonNode chat = json(post("/v1/chat/completions", """
                {"model":"slhf","messages":[{"role":"user","content":"Sort: 4 2"}],"max_tokens":8,"temperature":0,
                 "refinement_rounds":1}"""));
        JsonNode refine = json(post("/v1/refine", """
                {"prompt":"Sort: 4 2","max_tokens":8,"temperature":0,"rounds":1}"""));
        assertEquals(refine.get("final").asText(), chat.at("/choices/0/message/content").asText());
        assertEquals(2, chat.get("refinement").size());
        assertEquals(refine.at("/rounds/0/text"), chat.at("/refinement/0/text"));
        assertEquals(refine.get("usage"), chat.get("usage"));
        JsonNode plain = json(post("/v1/chat/completions", """
                {"model":"tiny","messages":[{"role":"user","content":"hi"}],"max_tokens":2}"""));
        assertFalse(plain.has("refinement"), "plain completions keep the OpenAI shape");
    }

    @Test
    void textCompletionsContinueTheRawPrompt() throws Exception {
        String request = """
                {"model":"tiny","prompt":"Once upon a time","max_tokens":8,"temperature":0%s}""";
        JsonNode whole = json(post("/v1/completions", request.formatted("")));
        assertEquals("text_completion", whole.get("object").asText());
        String text = whole.at("/choices/0/text").asText();

        List<Sse.Event> events = Sse.parse(post("/v1/completions", request.formatted(",\"stream\":true")).asString());
        assertEquals("[DONE]", events.get(events.size() - 1).data());
        StringBuilder streamed = new StringBuilder();
        events.subList(0, events.size() - 1).forEach(e -> streamed.append(e.json().at("/choices/0/text").asText()));
        assertEquals(text, streamed.toString());

        // the same tokens through chat would differ: completions use no chat template
        JsonNode asArray = json(post("/v1/completions", """
                {"model":"tiny","prompt":["Once upon a time"],"max_tokens":8,"temperature":0,"logprobs":2}"""));
        assertEquals(text, asArray.at("/choices/0/text").asText());
        assertEquals(asArray.at("/usage/completion_tokens").asInt(), asArray.at("/choices/0/logprobs/tokens").size());
        assertEquals(whole.at("/usage/prompt_tokens").asInt(), asArray.at("/usage/prompt_tokens").asInt());

        JsonNode defaults = json(post("/v1/completions", """
                {"model":"tiny","prompt":"Once upon a time","temperature":0,"stop":[]}"""));
        assertTrue(defaults.at("/usage/completion_tokens").asInt() <= 16, "OpenAI's default of 16 tokens");
        post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":3}").then().statusCode(400)
                .body("error.param", equalTo("prompt"));
        post("/v1/completions", "{\"model\":\"tiny\"}").then().statusCode(400).body("error.param", equalTo("prompt"));
    }

    @Test
    void pipelineIdOnTextCompletions() throws Exception {
        JsonNode r = json(post("/v1/completions", """
                {"model":"slhf","prompt":"Sort: 4 2","max_tokens":8,"temperature":0,"refinement_rounds":1}"""));
        JsonNode refine = json(post("/v1/refine", """
                {"prompt":"Sort: 4 2","max_tokens":8,"temperature":0,"rounds":1}"""));
        assertEquals(refine.get("final").asText(), r.at("/choices/0/text").asText());
    }

    @Test
    void modelsListThePipelineId() {
        given().get("/v1/models").then().statusCode(200)
                .body("data.id", equalTo(List.of("tiny", "slhf")))
                .body("data[1].object", equalTo("model"));
    }

    @Test
    void openApiDocumentsTheEndpoints() {
        String doc = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        for (String s : List.of("/v1/chat/completions", "/v1/completions", "/v1/refine", "/v1/models",
                "stop_when_unchanged", "refinement_rounds", "top_logprobs", "follower_prompt")) {
            assertTrue(doc.contains(s), "OpenAPI mentions " + s);
        }
    }
}
