package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** The endpoints OpenAI SDKs, vLLM and llama.cpp users call besides generation. */
@QuarkusTest
class ServerEndpointsTest {

    @Test
    void retrievesOneModelInTheOpenAiShape() {
        given().get("/v1/models/tiny").then().statusCode(200)
                .body("id", equalTo("tiny"))
                .body("object", equalTo("model"))
                .body("owned_by", equalTo("slhf-serve"))
                .body("max_model_len", equalTo(1024));
        given().get("/v1/models/slhf").then().statusCode(200).body("id", equalTo("slhf"));
    }

    @Test
    void anUnknownModelIs404ModelNotFound() {
        given().get("/v1/models/nope").then().statusCode(404)
                .body("error.code", equalTo("model_not_found"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("nope"));
        given().get("/v1/models/org/with-slash").then().statusCode(404).body("error.code", equalTo("model_not_found"))
                .body("error.message", containsString("org/with-slash"));
    }

    @Test
    void healthIs200WithAnEmptyBodyOnceWarmedUp() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (given().get("/health").statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        given().get("/health").then().statusCode(200).body(emptyString());
    }

    @Test
    void versionComesFromTheBuild() {
        String expected = ConfigProvider.getConfig().getValue("quarkus.application.version", String.class);
        given().get("/version").then().statusCode(200).body("version", equalTo(expected));
        assertEquals(false, expected.isBlank());
    }

    @Test
    void metricsIsTheSameExpositionAsQMetrics() {
        // one generation so the engine series exist
        given().contentType("application/json").body("""
                {"model":"tiny","prompt":"hi","max_tokens":2}""").post("/v1/completions").then().statusCode(200);
        var alias = given().get("/metrics").then().statusCode(200).extract();
        var q = given().get("/q/metrics").then().statusCode(200).extract();
        assertEquals(q.contentType(), alias.contentType());
        assertEquals(names(q.asString()), names(alias.asString()));
        given().accept("application/openmetrics-text; version=1.0.0").get("/metrics").then().statusCode(
                given().accept("application/openmetrics-text; version=1.0.0").get("/q/metrics").statusCode());
    }

    /** The metric names of an exposition (values change between scrapes). */
    private static java.util.Set<String> names(String exposition) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                out.add(line.split(" ")[2]);
            }
        }
        if (out.isEmpty()) {
            throw new AssertionError("no metrics in " + exposition);
        }
        return out;
    }
}
