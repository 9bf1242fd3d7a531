package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Random unauthenticated paths are refused (401) before any route matches, so Quarkus would tag
 * them with the raw path; 300 of them used to fill the 100-value uri cap and deny the series of
 * every endpoint first hit afterwards. With API keys on (the case where it happens).
 */
@QuarkusTest
@TestProfile(AuthTest.WithKeys.class)
class UriTagBoundTest {

    private static final Pattern URI = Pattern.compile("^http_server_requests_seconds_count\\{[^}]*uri=\"([^\"]*)\"",
            Pattern.MULTILINE);

    @Test
    void randomPathsDoNotCrowdOutRealEndpoints() {
        for (int i = 0; i < 300; i++) {
            given().get("/scan/" + UUID.randomUUID() + "/" + i).then().statusCode(401);
        }
        // an endpoint hit for the first time only now, after the random paths
        given().header("Authorization", "Bearer sk-one").contentType(ContentType.JSON)
                .body("{\"text\":\"hello\"}").post("/v1/nonexistent-" + UUID.randomUUID()).then().statusCode(404);
        given().header("Authorization", "Bearer sk-one").contentType(ContentType.JSON)
                .body("{\"model\":\"tiny\",\"prompt\":\"hello\"}").post("/tokenize").then().statusCode(200);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Set<String> uris = new TreeSet<>();
        Matcher m = URI.matcher(metrics);
        while (m.find()) {
            uris.add(m.group(1));
        }
        assertThat(uris).contains("/tokenize", "UNKNOWN", "NOT_FOUND").noneMatch(u -> u.startsWith("/scan/"));
        assertThat(uris.size()).as("distinct uri values: %s", uris).isLessThan(30);
        assertEquals(200, given().get("/q/health/ready").statusCode());
    }
}
