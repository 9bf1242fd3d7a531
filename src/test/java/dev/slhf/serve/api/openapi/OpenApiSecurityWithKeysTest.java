package dev.slhf.serve.api.openapi;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With API keys configured the document requires the bearer scheme, as the server does. */
@QuarkusTest
@TestProfile(OpenApiSecurityWithKeysTest.WithKey.class)
class OpenApiSecurityWithKeysTest {

    public static class WithKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("slhf.api-keys", "sk-one");
        }
    }

    @Test
    void everyOperationRequiresTheBearerKey() throws Exception {
        // /q/openapi is not among the public paths: the document itself needs the key too
        given().get("/q/openapi?format=json").then().statusCode(401);
        JsonNode doc = new ObjectMapper().readTree(given().header("Authorization", "Bearer sk-one")
                .get("/q/openapi?format=json").then().statusCode(200).extract().asString());
        assertEquals("[{\"bearerAuth\":[]}]", doc.path("security").toString());
        assertEquals("bearer", doc.path("components").path("securitySchemes").path("bearerAuth").path("scheme").asText());
    }
}
