package dev.slhf.serve.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slhf.serve.refine.FollowerPrompt;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A foreign leader end to end: server B (a second process from the packaged jar) serves the
 * fixture as an ordinary OpenAI server; server A names B as its upstream leader and refines B's
 * answer with its own, local follower.
 */
class ForeignLeaderIT {

    private static final Path FIXTURE = ServerProcess.FIXTURE;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PROMPT = "Sort these numbers: 8 2 5";

    private static HttpResponse<String> post(ServerProcess server, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.url(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String chat(ServerProcess server, String model, List<String[]> turns) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("temperature", 0).put("max_tokens", 10);
        var messages = body.putArray("messages");
        turns.forEach(t -> messages.addObject().put("role", t[0]).put("content", t[1]));
        HttpResponse<String> r = post(server, "/v1/chat/completions", body.toString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).at("/choices/0/message/content").asText();
    }

    @Test
    void roundZeroIsTheOtherServersAnswerAndFollowerRoundsAreLocal() throws Exception {
        Path cwd = Files.createTempDirectory("slhf-foreign");
        try (ServerProcess upstream = ServerProcess.start(cwd,
                List.of("-Dslhf.models.m.path=" + FIXTURE, "-Dslhf.leader=m", "-Dslhf.follower=m"))) {
            assertTrue(upstream.awaitReady(Duration.ofSeconds(90)), "upstream did not start");
            String upstreamUrl = "http://127.0.0.1:" + upstream.port + "/v1";
            try (ServerProcess server = ServerProcess.start(cwd, List.of(
                    "-Dslhf.models.local.path=" + FIXTURE,
                    "-Dslhf.models.remote.upstream.url=" + upstreamUrl,
                    "-Dslhf.models.remote.upstream.model=m",
                    "-Dslhf.models.remote.upstream.timeout=30s",
                    "-Dslhf.leader=remote", "-Dslhf.follower=local"))) {
                assertTrue(server.awaitReady(Duration.ofSeconds(90)), "server did not start");

                HttpResponse<String> r = post(server, "/v1/refine", """
                        {"prompt":"%s","rounds":2,"temperature":0,"max_tokens":10}""".formatted(PROMPT));
                assertEquals(200, r.statusCode(), r.body());
                JsonNode rounds = JSON.readTree(r.body()).get("rounds");
                assertEquals(3, rounds.size());

                String y0 = chat(upstream, "m", List.<String[]>of(new String[] {"user", PROMPT}));
                assertEquals("leader", rounds.get(0).get("role").asText());
                assertEquals("remote", rounds.get(0).get("model").asText());
                assertEquals(y0, rounds.get(0).get("text").asText());

                String previous = y0;
                for (int k = 1; k <= 2; k++) {
                    assertEquals("local", rounds.get(k).get("model").asText());
                    String expected = chat(server, "local", List.of(new String[] {"user", PROMPT},
                            new String[] {"assistant", previous}, new String[] {"user", FollowerPrompt.PAPER_INSTRUCTION}));
                    assertEquals(expected, rounds.get(k).get("text").asText(), "round " + k);
                    previous = expected;
                }

                String metrics = HTTP.send(HttpRequest.newBuilder(server.url("/q/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(metrics.matches("(?s).*slhf_upstream_request_seconds_count\\{model=\"remote\",outcome=\"success\",?} 1\\.0\n.*"),
                        "upstream call timed");

                upstream.close(); // the upstream goes away: the leader cannot answer
                HttpResponse<String> down = post(server, "/v1/refine", """
                        {"prompt":"%s","rounds":1,"temperature":0,"max_tokens":10}""".formatted(PROMPT));
                assertEquals(502, down.statusCode(), down.body());
                assertEquals("upstream_error", JSON.readTree(down.body()).at("/error/type").asText());
            }
        }
    }
}
