package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's Prometheus series exist and move when requests are served. */
@QuarkusTest
class EngineMetricsTest {

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + PrometheusText.seriesRegex(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE)
                .matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void engineSeriesArePublished() {
        String before = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double steps = Math.max(0, value(before, "slhf_step_seconds_count{model=\"tiny\",phase=\"decode\"}"));
        given().contentType(ContentType.JSON).body("""
                {"model":"tiny","messages":[{"role":"user","content":"hi"}],"max_tokens":5,"temperature":0}""")
                .post("/v1/chat/completions").then().statusCode(200);
        String after = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String series : new String[] {"slhf_num_requests_running{model=\"tiny\"}",
                "slhf_num_requests_waiting{model=\"tiny\"}", "slhf_batch_size_count{model=\"tiny\"}",
                "slhf_queue_seconds_count{model=\"tiny\"}", "slhf_step_seconds_count{model=\"tiny\",phase=\"prefill\"}"}) {
            assertTrue(value(after, series) >= 0, series + " published");
        }
        double stepsAfter = value(after, "slhf_step_seconds_count{model=\"tiny\",phase=\"decode\"}");
        assertTrue(stepsAfter >= steps + 1, "decode steps counted: " + steps + " -> " + stepsAfter);
    }
}
