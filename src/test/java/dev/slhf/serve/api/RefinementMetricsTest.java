package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The request-level Prometheus series move by exactly what the requests did. */
@QuarkusTest
class RefinementMetricsTest {

    static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of one series, 0 when it does not exist yet. */
    static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + PrometheusText.seriesRegex(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE)
                .matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static String round(int round, String role) {
        return "slhf_refine_round_seconds_count{model=\"tiny\",role=\"" + role + "\",round=\"" + round + "\"}";
    }

    @Test
    void roundHistogramCountsEachRoundIndex() {
        String before = scrape();
        JsonPath first = refine("{\"prompt\":\"Count to five\",\"rounds\":2,\"temperature\":0,\"max_tokens\":5}");
        JsonPath second = refine("{\"prompt\":\"Count to six\",\"rounds\":1,\"temperature\":0,\"max_tokens\":5}");
        refine("{\"prompt\":\"x\",\"draft\":\"y\",\"rounds\":1,\"temperature\":0,\"max_tokens\":5}");
        String after = scrape();

        assertEquals(2, value(after, round(0, "leader")) - value(before, round(0, "leader")));
        assertEquals(3, value(after, round(1, "follower")) - value(before, round(1, "follower")));
        assertEquals(1, value(after, round(2, "follower")) - value(before, round(2, "follower")));
        // a caller's draft is a round but nothing was generated: counted, not timed
        assertEquals(1, delta(before, after, "slhf_refine_rounds_total{model=\"none\",role=\"draft\"}"));
        assertEquals(0, delta(before, after, "slhf_refine_round_seconds_count{model=\"none\",role=\"draft\",round=\"0\"}"));
        assertEquals(6, delta(before, after, "slhf_refine_rounds_total{model=\"tiny\",role=\"follower\"}")
                + delta(before, after, "slhf_refine_rounds_total{model=\"tiny\",role=\"leader\"}"));

        int leaderTokens = first.getInt("rounds[0].completion_tokens") + second.getInt("rounds[0].completion_tokens");
        assertEquals(leaderTokens, delta(before, after, "slhf_generation_tokens_total{model=\"tiny\",role=\"leader\"}"));
        int leaderPrompt = first.getInt("rounds[0].prompt_tokens") + second.getInt("rounds[0].prompt_tokens");
        assertEquals(leaderPrompt, delta(before, after, "slhf_prompt_tokens_total{model=\"tiny\",role=\"leader\"}"));
        assertEquals(2, delta(before, after, "slhf_time_to_first_token_seconds_count{model=\"tiny\",role=\"leader\"}"));
        assertEquals(3, delta(before, after, "slhf_request_seconds_count{endpoint=\"/v1/refine\",outcome=\"success\"}"));
    }

    @Test
    void unchangedRoundsAndRequestOutcomesAreCounted() {
        String before = scrape();
        // greedy on the fixture, rounds 4..8 of this refinement repeat their predecessor (see StopWhenUnchangedTest)
        JsonPath r = refine("{\"prompt\":\"Sort: 3 1 2\",\"rounds\":8,\"temperature\":0,\"max_tokens\":3}");
        int unchanged = 0;
        for (int k = 1; k <= 8; k++) {
            if (r.getString("rounds[" + k + "].text").equals(r.getString("rounds[" + (k - 1) + "].text"))) {
                unchanged++;
            }
        }
        given().contentType(ContentType.JSON).body("{\"prompt\":\"x\",\"rounds\":-1}").post("/v1/refine")
                .then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_tokens\":2}").post("/v1/chat/completions").then().statusCode(200);
        String after = scrape();
        assertTrue(unchanged > 0, "the fixture repeats itself on this prompt");
        assertEquals(unchanged, delta(before, after, "slhf_refine_unchanged_total{model=\"tiny\"}"));
        assertEquals(1, delta(before, after, "slhf_request_seconds_count{endpoint=\"/v1/refine\",outcome=\"client_error\"}"));
        assertEquals(1, delta(before, after,
                "slhf_request_seconds_count{endpoint=\"/v1/chat/completions\",outcome=\"success\"}"));
        assertEquals(1, delta(before, after, "slhf_time_to_first_token_seconds_count{model=\"tiny\",role=\"plain\"}"));
        assertEquals(1, delta(before, after, "slhf_inter_token_latency_seconds_count{model=\"tiny\",role=\"plain\"}"));
        assertEquals(2, delta(before, after, "slhf_generation_tokens_total{model=\"tiny\",role=\"plain\"}"));
    }

    /**
     * One model plays both roles, so round 1's prompt (user x, assistant y0, user instruction)
     * starts with the leader's own sequence (user x, assistant header, y0): the prefix cache
     * counters show every prompt token queried and at least the leader's prompt reused.
     */
    @Test
    void prefixCacheSeriesCountQueriedAndReusedPromptTokens() {
        String before = scrape();
        JsonPath r = refine("{\"prompt\":\"Name three colours of the rainbow\",\"rounds\":1,\"temperature\":0,"
                + "\"max_tokens\":8}");
        String after = scrape();
        int leaderPrompt = r.getInt("rounds[0].prompt_tokens");
        int followerPrompt = r.getInt("rounds[1].prompt_tokens");
        assertEquals(leaderPrompt + followerPrompt, delta(before, after, "slhf_prefix_cache_queries_total{model=\"tiny\"}"));
        double hits = delta(before, after, "slhf_prefix_cache_hits_total{model=\"tiny\"}");
        assertTrue(hits >= leaderPrompt && hits < followerPrompt, "round 1 reused the leader's sequence: " + hits
                + " of " + followerPrompt + " (leader prompt " + leaderPrompt + ")");
        assertTrue(value(after, "slhf_prefix_cache_bytes{model=\"tiny\"}") > 0, "finished sequences are held");
        assertTrue(Pattern.compile("^" + PrometheusText.seriesRegex("slhf_prefix_cache_evictions_total{model=\"tiny\"}") + " ",
                Pattern.MULTILINE).matcher(after).find(), "the evictions counter is exported");
    }

    /** vLLM-style spec-decode series, by model and role, consistent with each other. */
    @Test
    void speculativeDecodingIsCountedByRole() {
        String before = scrape();
        refine("{\"prompt\":\"Repeat: one two three four five six\",\"rounds\":2,\"temperature\":0,"
                + "\"max_tokens\":40}");
        String after = scrape();
        String labels = "{model=\"tiny\",role=\"follower\"}";
        double drafts = delta(before, after, "slhf_spec_decode_num_drafts_total" + labels);
        double draftTokens = delta(before, after, "slhf_spec_decode_num_draft_tokens_total" + labels);
        double accepted = delta(before, after, "slhf_spec_decode_num_accepted_tokens_total" + labels);
        assertTrue(drafts > 0 && accepted > 0, "follower rounds speculated: " + drafts + " drafts, " + accepted);
        assertTrue(accepted <= draftTokens && draftTokens <= 8 * drafts, "at most k = 8 per draft, accepted among them");
        assertEquals(drafts, delta(before, after, "slhf_spec_decode_acceptance_length_count" + labels));
        assertEquals(accepted + drafts, delta(before, after, "slhf_spec_decode_acceptance_length_sum" + labels), 1e-9,
                "acceptance length = accepted + 1 per draft");
    }

    @Test
    void dashboardAndReadmeNameOnlyPublishedSeries() throws Exception {
        refine("{\"prompt\":\"hi\",\"rounds\":1,\"temperature\":0,\"max_tokens\":3}");
        given().contentType(ContentType.JSON).body("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}],\"max_tokens\":3}").post("/v1/chat/completions").then().statusCode(200);
        String scrape = scrape();
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("k8s/dashboards/slhf-serve.json"));
        java.util.Set<String> names = new java.util.TreeSet<>();
        Matcher m = Pattern.compile("slhf_[a-z_]+").matcher(dashboard);
        while (m.find()) {
            names.add(m.group().replaceAll("_(bucket|count|sum|max)$", ""));
        }
        assertTrue(names.size() >= 10, "the dashboard queries our series: " + names);
        for (String name : names) {
            assertTrue(readme.contains("`" + name + "`"), "README documents " + name);
            if (!name.startsWith("slhf_upstream_") && !name.equals("slhf_requests_cancelled_total")) {
                // upstream and cancellation series appear once such a thing happened (UpstreamLeaderTest, DisconnectTest)
                assertTrue(scrape.contains(name), "published: " + name);
            }
        }
    }

    private static double delta(String before, String after, String series) {
        return value(after, series) - value(before, series);
    }

    private static JsonPath refine(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/refine").then().statusCode(200).extract()
                .jsonPath();
    }
}
