package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With the default configuration, {@code curl /q/metrics | promtool check metrics} passes. */
@QuarkusTest
class ExpositionLintTest {

    @Test
    void defaultExpositionIsLintClean() throws Exception {
        given().contentType(ContentType.JSON).body("""
                {"model":"tiny","messages":[{"role":"user","content":"hi"}],"max_tokens":3,"temperature":0}""")
                .post("/v1/chat/completions").then().statusCode(200);
        Response r = given().header("Accept", "*/*").get("/q/metrics");
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.contentType());
        PrometheusText t = PrometheusText.parse(r.asString());
        assertTrue(t.types.containsKey("slhf_e2e_request_latency_seconds"));
        assertTrue(t.types.containsKey("slhf_kv_cache_usage_perc"));
        assertFalse(t.types.keySet().stream().anyMatch(n -> n.startsWith("vllm:")), "vLLM names are opt-in");
        Promtool.lint(r.asString()).ifPresent(problems -> assertEquals(List.of(), problems, "promtool check metrics"));
    }
}
