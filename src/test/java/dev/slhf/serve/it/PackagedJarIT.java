package dev.slhf.serve.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar, started exactly as the README and the foundation issue say, from another
 * working directory so that nothing depends on the repository layout.
 */
class PackagedJarIT {

    private static final Path FIXTURE = ServerProcess.FIXTURE;

    @Test
    void servesRefinementOnAModelDirectoryGivenBySystemProperties() throws Exception {
        Path elsewhere = Files.createTempDirectory("slhf-cwd");
        try (ServerProcess server = ServerProcess.start(elsewhere,
                List.of("-Dslhf.models.m.path=" + FIXTURE, "-Dslhf.leader=m", "-Dslhf.follower=m"))) {
            assertTrue(server.awaitReady(Duration.ofSeconds(90)), () -> "server did not start:\n" + output(server));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url("/v1/refine"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"prompt\":\"Sort: 3 1 2\",\"rounds\":2,\"temperature\":0,\"max_tokens\":8}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode body = new ObjectMapper().readTree(r.body());
            assertEquals(3, body.get("rounds").size());
            assertEquals("m", body.get("rounds").get(1).get("model").asText());
            assertThat(server.output()).contains("Loaded model 'm'").doesNotContain("slhf-tiny");
        }
    }

    @Test
    void aBrokenModelStopsStartUpNamingTheFile() throws Exception {
        Path dir = ServerProcess.fixtureWithCorruptModel("broken-model", "this is not an onnx file");
        try (ServerProcess server = ServerProcess.start(dir,
                List.of("-Dslhf.models.m.path=" + dir, "-Dslhf.leader=m", "-Dslhf.follower=m"))) {
            assertTrue(server.process.waitFor(90, TimeUnit.SECONDS), "the process must exit");
            assertTrue(server.process.exitValue() != 0, "with a failure status");
            assertThat(server.output()).contains(dir.resolve("model.onnx").toString()).contains("ONNX Runtime cannot load it");
        }
    }

    private static String output(ServerProcess s) {
        try {
            return s.output();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
