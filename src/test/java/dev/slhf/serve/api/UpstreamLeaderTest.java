package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.slhf.serve.refine.FollowerPrompt;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Foreign leaders against a stub OpenAI server in this JVM: the answer becomes round 0 and the
 * local follower refines it; upstream failures are 502, slowness 504, and no follower runs.
 */
@QuarkusTest
@TestProfile(UpstreamLeaderTest.WithStubUpstreams.class)
class UpstreamLeaderTest {

    static final String ANSWER = "The upstream's answer: 1 2 3";
    static final AtomicReference<JsonNode> LAST_BODY = new AtomicReference<>();
    static final AtomicReference<String> LAST_AUTH = new AtomicReference<>();
    static final HttpServer STUB = startStub();

    /** model "ok" answers, "broken" fails with 500, "slow" answers after 5 s. */
    private static HttpServer startStub() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            ObjectMapper json = new ObjectMapper();
            server.createContext("/v1/chat/completions", exchange -> {
                JsonNode body = json.readTree(exchange.getRequestBody());
                LAST_BODY.set(body);
                LAST_AUTH.set(exchange.getRequestHeaders().getFirst("Authorization"));
                String model = body.path("model").asText();
                int status = 200;
                String reply = json.writeValueAsString(Map.of("id", "x", "object", "chat.completion", "model", model,
                        "choices", java.util.List.of(Map.of("index", 0, "finish_reason", "stop",
                                "message", Map.of("role", "assistant", "content", ANSWER))),
                        "usage", Map.of("prompt_tokens", 11, "completion_tokens", 7, "total_tokens", 18)));
                if (model.equals("broken")) {
                    status = 500;
                    reply = "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"param\":null,\"code\":null}}";
                } else if (model.equals("slow")) {
                    try {
                        Thread.sleep(5000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                try {
                    exchange.sendResponseHeaders(status, bytes.length);
                    exchange.getResponseBody().write(bytes);
                } catch (IOException e) {
                    // the caller gave up (timeout test)
                }
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static class WithStubUpstreams implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String url = "http://127.0.0.1:" + STUB.getAddress().getPort() + "/v1";
            int closedPort;
            try (ServerSocket s = new ServerSocket(0)) {
                closedPort = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of(
                    "slhf.models.tiny.path", "src/test/resources/fixture/tiny-qwen",
                    "slhf.models.remote.upstream.url", url,
                    "slhf.models.remote.upstream.model", "ok",
                    "slhf.models.remote.upstream.api-key", "sk-test",
                    "slhf.models.broken.upstream.url", url,
                    "slhf.models.slow.upstream.url", url,
                    "slhf.models.slow.upstream.timeout", "300ms",
                    "slhf.models.down.upstream.url", "http://127.0.0.1:" + closedPort + "/v1");
        }
    }

    private static JsonPath refine(String body, int status) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/refine").then().statusCode(status).extract()
                .jsonPath();
    }

    @Test
    void upstreamAnswerIsRoundZeroAndTheLocalFollowerRefinesIt() {
        JsonPath r = refine("""
                {"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Sort: 3 1 2"}],
                 "leader":"remote","rounds":1,"temperature":0,"max_tokens":8,"seed":5,"stop":["END"]}""", 200);
        assertEquals("leader", r.getString("rounds[0].role"));
        assertEquals("remote", r.getString("rounds[0].model"));
        assertEquals(ANSWER, r.getString("rounds[0].text"));
        assertEquals(7, r.getInt("rounds[0].completion_tokens"));
        assertEquals("follower", r.getString("rounds[1].role"));
        assertEquals("tiny", r.getString("rounds[1].model"));

        JsonNode sent = LAST_BODY.get();
        assertEquals("ok", sent.get("model").asText());
        assertEquals("system", sent.get("messages").get(0).get("role").asText());
        assertEquals("Sort: 3 1 2", sent.get("messages").get(1).get("content").asText());
        assertEquals(0.0, sent.get("temperature").asDouble());
        assertEquals(8, sent.get("max_tokens").asInt());
        assertEquals(5, sent.get("seed").asInt());
        assertEquals("END", sent.get("stop").get(0).asText());
        assertEquals("Bearer sk-test", LAST_AUTH.get());

        String direct = given().contentType(ContentType.JSON).body("""
                {"model":"tiny","temperature":0,"max_tokens":8,"seed":5,"stop":["END"],"messages":[
                 {"role":"system","content":"Be brief."},{"role":"user","content":"Sort: 3 1 2"},
                 {"role":"assistant","content":"%s"},{"role":"user","content":"%s"}]}"""
                .formatted(ANSWER, FollowerPrompt.PAPER_INSTRUCTION))
                .post("/v1/chat/completions").then().statusCode(200).extract().path("choices[0].message.content");
        assertEquals(direct, r.getString("rounds[1].text"));
    }

    @Test
    void upstreamLeadersAreListedByModelsSoClientsCanOfferThem() {
        JsonPath models = given().get("/v1/models").then().statusCode(200).extract().jsonPath();
        java.util.List<String> ids = models.getList("data.id");
        // loaded models first, the pipeline id last, the upstreams (in configuration order) between
        assertEquals("tiny", ids.get(0));
        assertEquals("slhf", ids.get(ids.size() - 1));
        assertEquals(java.util.Set.of("remote", "broken", "slow", "down"), java.util.Set.copyOf(ids.subList(1, ids.size() - 1)));
        assertEquals(java.util.List.of("slhf-serve", "upstream", "upstream", "upstream", "upstream", "slhf-serve"),
                models.getList("data.owned_by"));
    }

    @Test
    void upstreamErrorIs502AndNoFollowerRuns() {
        String before = RefinementMetricsTest.scrape();
        refine("{\"prompt\":\"hi\",\"leader\":\"broken\",\"rounds\":2}", 502);
        given().contentType(ContentType.JSON).body("{\"prompt\":\"hi\",\"leader\":\"broken\"}").post("/v1/refine")
                .then().statusCode(502).body("error.type", equalTo("upstream_error"))
                .body("error.code", equalTo("upstream_http_error"))
                .body("error.param", equalTo(null));
        refine("{\"prompt\":\"hi\",\"leader\":\"down\",\"rounds\":2}", 502);
        String after = RefinementMetricsTest.scrape();
        assertEquals(2, delta(before, after, "slhf_upstream_errors_total{kind=\"http_error\",model=\"broken\"}"));
        assertEquals(1, delta(before, after, "slhf_upstream_errors_total{kind=\"unreachable\",model=\"down\"}"));
        assertEquals(0, delta(before, after, "slhf_refine_rounds_total{model=\"tiny\",role=\"follower\"}"));
        assertEquals(3, delta(before, after, "slhf_request_seconds_count{endpoint=\"/v1/refine\",outcome=\"server_error\"}"));
    }

    @Test
    void slowUpstreamIs504() {
        String before = RefinementMetricsTest.scrape();
        given().contentType(ContentType.JSON).body("{\"prompt\":\"hi\",\"leader\":\"slow\",\"rounds\":1}").post("/v1/refine")
                .then().statusCode(504).body("error.code", equalTo("upstream_timeout"));
        String after = RefinementMetricsTest.scrape();
        assertEquals(1, delta(before, after, "slhf_upstream_errors_total{kind=\"timeout\",model=\"slow\"}"));
        assertEquals(0, delta(before, after, "slhf_refine_rounds_total{model=\"tiny\",role=\"follower\"}"));
    }

    @Test
    void streamedUpstreamFailureIsAnErrorEvent() {
        var events = Sse.parse(given().contentType(ContentType.JSON)
                .body("{\"prompt\":\"hi\",\"leader\":\"broken\",\"stream\":true}").post("/v1/refine")
                .then().statusCode(200).extract().asString());
        assertEquals("round.start", events.get(0).name());
        assertEquals("error", events.get(events.size() - 1).name());
        assertEquals("upstream_http_error", events.get(events.size() - 1).json().get("error").get("code").asText());
    }

    @Test
    void anUpstreamCannotFollow() {
        given().contentType(ContentType.JSON).body("{\"prompt\":\"hi\",\"follower\":\"remote\"}").post("/v1/refine")
                .then().statusCode(400).body("error.param", equalTo("follower"));
    }

    private static double delta(String before, String after, String series) {
        return RefinementMetricsTest.value(after, series) - RefinementMetricsTest.value(before, series);
    }
}
