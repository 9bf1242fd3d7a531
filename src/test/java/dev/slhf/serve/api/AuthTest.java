package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** API keys from the property and from a key file; Bearer as OpenAI clients send it; probes stay open. */
@QuarkusTest
@TestProfile(AuthTest.WithKeys.class)
class AuthTest {

    static final String FILE_KEY = "sk-from-file-3f9a";

    public static class WithKeys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path file = Files.createTempFile("slhf-keys", ".txt");
                file.toFile().deleteOnExit();
                Files.writeString(file, "# mounted from a Kubernetes Secret\n\n  " + FILE_KEY + "  \n");
                return Map.of("slhf.api-keys", "sk-one,sk-two", "slhf.api-keys-file", file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final String CHAT = """
            {"model":"tiny","messages":[{"role":"user","content":"hi"}],"max_tokens":3,"temperature":0}""";

    @Test
    void noKeyIs401MissingInTheOpenAiShape() {
        Response r = given().contentType(ContentType.JSON).body(CHAT).post("/v1/chat/completions");
        assertEquals(401, r.statusCode());
        assertEquals("missing_api_key", r.jsonPath().getString("error.code"));
        assertEquals("invalid_request_error", r.jsonPath().getString("error.type"));
        assertThat(r.jsonPath().getMap("error")).containsKeys("message", "type", "param", "code");
        assertEquals("Bearer", r.header("WWW-Authenticate"));
    }

    @Test
    void aWrongKeyIs401AndIsNotEchoed() {
        for (String header : new String[] {"Bearer sk-wrong-secret-value", "Basic c2stb25lOg==", "sk-one"}) {
            Response r = given().header("Authorization", header).get("/v1/models");
            assertEquals(401, r.statusCode(), header);
            assertThat(r.asString()).doesNotContain("sk-wrong-secret-value").doesNotContain("sk-one");
        }
        assertEquals("invalid_api_key", given().header("Authorization", "Bearer sk-wrong").get("/v1/models")
                .jsonPath().getString("error.code"));
    }

    @Test
    void everyConfiguredKeyWorksOnEveryEndpoint() {
        for (String key : new String[] {"sk-one", "sk-two", FILE_KEY}) {
            given().header("Authorization", "Bearer " + key).get("/v1/models").then().statusCode(200);
            given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(CHAT)
                    .post("/v1/chat/completions").then().statusCode(200);
        }
        given().auth().oauth2("sk-two").contentType(ContentType.JSON)
                .body("{\"prompt\":\"Sort: 3 1 2\",\"rounds\":1,\"max_tokens\":3,\"temperature\":0}")
                .post("/v1/refine").then().statusCode(200);
        // unknown paths are refused before anything reveals what exists
        given().get("/v1/nothing-here").then().statusCode(401);
    }

    @Test
    void healthAndMetricsStayOpenForProbesAndPrometheus() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/started").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        // vLLM's unversioned endpoints are open too; its --api-key guards /v1 only
        given().get("/health").then().statusCode(200);
        given().get("/metrics").then().statusCode(200);
        given().get("/version").then().statusCode(200);
        given().get("/v1/models/tiny").then().statusCode(401);
    }

    @Test
    void thePlaygroundPageLoadsWithoutAKeyButItsApiCallsNeedOne() {
        given().get("/").then().statusCode(200).contentType(ContentType.HTML);
        given().get("/index.html").then().statusCode(200);
        given().get("/playground/app.js").then().statusCode(200);
        // only reads of the page's files are open: anything else under it is still checked
        given().post("/playground/app.js").then().statusCode(401);
        given().get("/playground/../v1/models").then().statusCode(401);
        given().get("/v1/models").then().statusCode(401);
    }
}
