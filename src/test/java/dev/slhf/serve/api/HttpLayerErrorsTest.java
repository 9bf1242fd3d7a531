package dev.slhf.serve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Every status the HTTP layer answers before (or instead of) our resources, sent on a raw socket so
 * nothing is corrected on the way: each must carry the OpenAI error shape with
 * {@code Content-Type: application/json}.
 */
@QuarkusTest
class HttpLayerErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1}";

    @TestHTTPResource("/")
    URL base;

    private RawHttp.Response head(String requestLineAndHeaders, String body) throws Exception {
        byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        String head = requestLineAndHeaders + "Host: localhost\r\nConnection: close\r\n"
                + (bytes == null ? "" : "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n") + "\r\n";
        return RawHttp.exchange(base.getHost(), base.getPort(), head.getBytes(StandardCharsets.ISO_8859_1), bytes, false,
                20_000);
    }

    private static JsonNode assertOpenAiError(RawHttp.Response r, int status) throws Exception {
        assertEquals(status, r.status(), r.text());
        assertThat(r.headers().get("content-type")).startsWith("application/json");
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error).as(r.text()).isNotNull();
        for (String field : new String[] {"message", "type", "param", "code"}) {
            assertThat(error.has(field)).as("error.%s in %s", field, r.text()).isTrue();
        }
        assertThat(error.get("message").asText()).isNotBlank();
        assertEquals("invalid_request_error", error.get("type").asText());
        return error;
    }

    @Test
    void headersTooLargeIs431() throws Exception {
        String big = "X-Padding: " + "a".repeat(30_000) + "\r\n";
        JsonNode error = assertOpenAiError(head("GET /v1/models HTTP/1.1\r\n" + big, null), 431);
        assertEquals("headers_too_large", error.get("code").asText());
    }

    @Test
    void uriTooLongIs414() throws Exception {
        JsonNode error = assertOpenAiError(head("GET /v1/models?q=" + "b".repeat(6_000) + " HTTP/1.1\r\n", null), 414);
        assertEquals("uri_too_long", error.get("code").asText());
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        RawHttp.Response r = RawHttp.send(base.getHost(), base.getPort(), "POST", "/v1/chat/completions",
                "application/json", new byte[3 * 1024 * 1024], false, 20_000);
        assertEquals(BodyLimit.CODE, assertOpenAiError(r, 413).get("code").asText());
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        RawHttp.Response r = RawHttp.send(base.getHost(), base.getPort(), "POST", "/v1/chat/completions",
                "text/plain", CHAT.getBytes(StandardCharsets.UTF_8), false, 20_000);
        assertOpenAiError(r, 415);
    }

    @Test
    void wrongMethodIs405() throws Exception {
        assertOpenAiError(head("DELETE /v1/chat/completions HTTP/1.1\r\n", null), 405);
        assertOpenAiError(head("PUT /v1/models HTTP/1.1\r\n", "{}"), 405);
    }

    @Test
    void unacceptableAcceptIs406() throws Exception {
        assertOpenAiError(head("GET /v1/models HTTP/1.1\r\nAccept: image/png\r\n", null), 406);
    }

    @Test
    void malformedJsonIs400() throws Exception {
        assertOpenAiError(head("POST /v1/chat/completions HTTP/1.1\r\n", "{\"model\":"), 400);
    }

    /**
     * A request the HTTP codec cannot parse (here a negative Content-Length) never reaches a route:
     * Vert.x answers a bodiless 400 itself (or closes), and Quarkus offers no hook on that path. What
     * is checked is that it stays a 400 and the server goes on serving.
     */
    @Test
    void unparsableRequestIsABare400() throws Exception {
        RawHttp.Response r = RawHttp.exchange(base.getHost(), base.getPort(), ("POST /v1/chat/completions HTTP/1.1\r\n"
                + "Host: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1), null, false, 20_000);
        assertEquals(400, r.status());
        assertOpenAiError(head("GET /v1/models HTTP/1.1\r\nAccept: image/png\r\n", null), 406);
    }

    @Test
    void unknownPathIs404() throws Exception {
        assertOpenAiError(head("GET /v1/no-such-endpoint HTTP/1.1\r\n", null), 404);
    }
}
