package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scrapes /q/metrics as curl, promtool and Prometheus do: the format follows the Accept header,
 * every histogram has the configured round bounds, and with vllm-names the vLLM series move by
 * exactly what the requests did, under label {@code model_name}.
 */
@QuarkusTest
@TestProfile(PrometheusScrapeTest.VllmNames.class)
class PrometheusScrapeTest {

    public static class VllmNames implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("slhf.metrics.vllm-names", "true",
                    // not the default list: proves the bounds are configurable
                    "slhf.metrics.latency-buckets", "0.01,0.1,1,10,100");
        }
    }

    private static final Map<String, String> TINY = Map.of("model_name", "tiny");

    private static PrometheusText scrape() {
        Response r = given().header("Accept", "*/*").get("/q/metrics");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.contentType(), "curl's Accept gets 0.0.4 text");
        return PrometheusText.parse(r.asString());
    }

    @Test
    void textFormatByDefaultAndOpenMetricsWhenAsked() throws Exception {
        chat(3);
        Response none = given().get("/q/metrics");
        assertEquals("text/plain; version=0.0.4; charset=utf-8", none.contentType());
        PrometheusText.parse(none.asString());

        // what Prometheus sends: OpenMetrics first, text as a fallback
        Response om = given().header("Accept", "application/openmetrics-text;version=1.0.0,"
                + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
                .get("/q/metrics");
        assertEquals(200, om.statusCode());
        assertTrue(om.contentType().startsWith("application/openmetrics-text"), om.contentType());
        assertTrue(om.asString().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
        assertTrue(om.asString().contains("# TYPE vllm:num_requests_waiting gauge"));

        Response refused = given().header("Accept", "application/openmetrics-text;q=0, text/plain").get("/q/metrics");
        assertEquals("text/plain; version=0.0.4; charset=utf-8", refused.contentType(), "q=0 means not acceptable");

        // promtool flags any name with ':' (as it does on vLLM's own /metrics); nothing else may remain
        Promtool.lint(none.asString()).ifPresent(problems -> problems.forEach(p -> assertTrue(
                p.startsWith("vllm:") && (p.endsWith("metric names should not contain ':'")
                        || p.equals("vllm:iteration_tokens_total non-counter metrics should not have \"_total\" suffix")),
                "promtool: " + p)));
    }

    @Test
    void histogramsHaveTheConfiguredRoundBounds() {
        chat(3);
        PrometheusText t = scrape();
        List<Double> latency = List.of(0.01, 0.1, 1.0, 10.0, 100.0);
        assertEquals(latency, t.bounds("slhf_time_to_first_token_seconds", Map.of("model", "tiny", "role", "plain")));
        assertEquals(latency, t.bounds("vllm:e2e_request_latency_seconds", TINY));
        assertEquals(latency, t.bounds("slhf_queue_seconds", Map.of("model", "tiny")));
        assertEquals(List.of(1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0),
                t.bounds("slhf_batch_size", Map.of("model", "tiny")));
        assertEquals(List.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
                t.bounds("slhf_step_seconds", Map.of("model", "tiny", "phase", "decode")));
        assertEquals("histogram", t.types.get("slhf_batch_size"));
        // no family anywhere keeps Micrometer's generated percentile buckets
        t.types.forEach((family, type) -> {
            if (type.equals("histogram")) {
                long buckets = t.samples.stream().filter(s -> s.name().equals(family + "_bucket")).count();
                long series = t.samples.stream().filter(s -> s.name().equals(family + "_count")).count();
                assertTrue(buckets <= 16 * series, family + ": " + buckets + " buckets over " + series + " series");
            }
        });
    }

    @Test
    void vllmSeriesMoveWithTheRequests() {
        PrometheusText before = scrape();
        JsonPath chat = chat(4);
        JsonPath refine = given().contentType(ContentType.JSON)
                .body("{\"prompt\":\"Count to five\",\"rounds\":1,\"temperature\":0,\"max_tokens\":4}")
                .post("/v1/refine").then().statusCode(200).extract().jsonPath();
        PrometheusText after = scrape();

        // three generations: the chat, the leader round and the follower round
        assertEquals(3, delta(before, after, "vllm:e2e_request_latency_seconds_count", TINY));
        assertEquals(1, delta(before, after, "slhf_e2e_request_latency_seconds_count",
                Map.of("model", "tiny", "role", "plain")));
        int length = 0;
        for (String reason : List.of(chat.getString("choices[0].finish_reason"),
                refine.getString("rounds[0].finish_reason"), refine.getString("rounds[1].finish_reason"))) {
            length += reason.equals("length") ? 1 : 0;
        }
        assertEquals(length, delta(before, after, "vllm:request_success_total",
                Map.of("model_name", "tiny", "finished_reason", "length")));
        assertEquals(3 - length, delta(before, after, "vllm:request_success_total",
                Map.of("model_name", "tiny", "finished_reason", "stop")));
        assertEquals(length, delta(before, after, "slhf_request_success_total",
                Map.of("model", "tiny", "finished_reason", "length")));

        int completion = chat.getInt("usage.completion_tokens") + refine.getInt("usage.completion_tokens");
        assertEquals(completion, delta(before, after, "vllm:generation_tokens_total", TINY));
        int prompt = chat.getInt("usage.prompt_tokens") + refine.getInt("usage.prompt_tokens");
        assertEquals(prompt, delta(before, after, "vllm:prompt_tokens_total", TINY));
        assertEquals(3, delta(before, after, "vllm:time_to_first_token_seconds_count", TINY));
        assertEquals(3, delta(before, after, "vllm:request_prompt_tokens_count", TINY));
        assertEquals(prompt, delta(before, after, "vllm:request_prompt_tokens_sum", TINY));

        // the gauges the inference gateway's endpoint picker reads, idle now
        for (String gauge : List.of("vllm:num_requests_waiting", "vllm:num_requests_running",
                "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc", "slhf_kv_cache_usage_perc")) {
            assertEquals("gauge", after.types.get(gauge), gauge);
        }
        assertEquals(0, after.value("vllm:num_requests_waiting", TINY));
        assertTrue(after.samples.stream().anyMatch(s -> s.name().equals("vllm:kv_cache_usage_perc")
                && s.labels().equals(TINY)), "KV usage published per model_name");
        assertTrue(delta(before, after, "vllm:iteration_tokens_total_count", TINY) >= 3, "engine steps counted");
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    private static JsonPath chat(int maxTokens) {
        return given().contentType(ContentType.JSON).body("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}],\"max_tokens\":" + maxTokens + ",\"temperature\":0}")
                .post("/v1/chat/completions").then().statusCode(200).extract().jsonPath();
    }
}
