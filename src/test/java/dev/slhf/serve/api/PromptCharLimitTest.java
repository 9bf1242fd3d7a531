package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/**
 * The character bound (engine/PromptCharLimit) through HTTP: the fixture's context is 1024 tokens,
 * so a prompt over 32 768 characters is refused with {@code context_length_exceeded} and a message
 * counting characters, which only the check made before tokenizing gives (the token bound after
 * tokenizing counts tokens). Just under the bound, the same text is tokenized and
 * meets the token bound instead, so the test tells the two checks apart.
 */
@QuarkusTest
class PromptCharLimitTest {

    private static final int BOUND = 1024 * 32;

    private static Response post(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).post(path);
    }

    private static String chat(String content) {
        return "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}],\"max_tokens\":1}";
    }

    private static void assertRefusedByCharacters(Response r, String param) {
        assertEquals(400, r.statusCode(), r.asString());
        assertEquals("application/json", r.contentType().split(";")[0]);
        assertEquals("context_length_exceeded", r.jsonPath().getString("error.code"));
        assertEquals("invalid_request_error", r.jsonPath().getString("error.type"));
        assertEquals(param, r.jsonPath().getString("error.param"));
        assertThat(r.jsonPath().getString("error.message")).contains("characters");
    }

    @Test
    void aPromptOverTheCharacterBoundIs400OnEveryEndpoint() {
        String text = "a".repeat(BOUND + 1);
        assertRefusedByCharacters(post("/v1/chat/completions", chat(text)), "messages");
        assertRefusedByCharacters(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"" + text + "\",\"max_tokens\":1}"),
                "prompt");
        assertRefusedByCharacters(post("/v1/refine", "{\"prompt\":\"" + text + "\",\"rounds\":1,\"max_tokens\":1}"),
                "messages");
    }

    @Test
    void underTheCharacterBoundTheTokenBoundDecides() {
        // "ab " is at least one token per 3 characters: ~5 000 tokens, far over the context, yet half the
        // character bound (the chat template adds its own text)
        String text = "ab ".repeat(BOUND / 6);
        Response r = post("/v1/chat/completions", chat(text));
        assertEquals(400, r.statusCode(), r.asString());
        assertThat(r.jsonPath().getString("error.message")).doesNotContain("characters");
    }

    @Test
    void theServerStaysReadyAfterHugePrompts() {
        String text = "x".repeat(1_900_000);
        assertRefusedByCharacters(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"" + text + "\"}"), "prompt");
        assertEquals(200, given().get("/q/health/ready").statusCode());
    }
}
