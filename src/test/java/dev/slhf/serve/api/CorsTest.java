package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CORS switched on as README shows, with API keys on too: a browser's preflight (which carries no
 * Authorization header) is answered, and the real request still needs its key.
 */
@QuarkusTest
@TestProfile(CorsTest.WithCors.class)
class CorsTest {

    static final String APP = "https://app.example";

    public static class WithCors implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.cors.enabled", "true", "quarkus.http.cors.origins", APP,
                    "slhf.api-keys", "sk-cors");
        }
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnswered() {
        given().header("Origin", APP).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .when().options("/v1/chat/completions").then()
                .statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(APP))
                .header("Access-Control-Allow-Methods", containsString("POST"))
                .header("Access-Control-Allow-Headers", containsString("authorization"));
    }

    @Test
    void anotherOriginGetsNoAllowHeader() {
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .when().options("/v1/chat/completions").then()
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void theRealRequestCarriesTheHeaderAndStillNeedsItsKey() {
        given().header("Origin", APP).get("/v1/models").then().statusCode(401)
                .header("Access-Control-Allow-Origin", equalTo(APP));
        given().header("Origin", APP).header("Authorization", "Bearer sk-cors").get("/v1/models").then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(APP));
    }
}
