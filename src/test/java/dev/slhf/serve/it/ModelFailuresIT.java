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

/** Start-up with a model that cannot be served: optional ones are left out and named, CUDA asked of a CPU build stops. */
class ModelFailuresIT {

    private static final Path FIXTURE = ServerProcess.FIXTURE;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void anOptionalModelThatFailsToLoadIsLeftOutAndNamedByReadiness() throws Exception {
        Path broken = ServerProcess.fixtureWithCorruptModel("broken-optional", "truncated download");
        try (ServerProcess server = ServerProcess.start(broken, List.of("-Dslhf.models.m.path=" + FIXTURE,
                "-Dslhf.models.extra.path=" + broken, "-Dslhf.models.extra.optional=true",
                "-Dslhf.leader=m", "-Dslhf.follower=m"))) {
            assertTrue(server.awaitReady(Duration.ofSeconds(90)), () -> "server did not start:\n" + log(server));
            HttpResponse<String> ready = awaitReady(server);
            assertEquals(200, ready.statusCode(), ready.body());
            JsonNode models = check(ready.body(), "models").get("data");
            assertEquals("ready", models.get("m").asText());
            assertThat(models.get("extra").asText()).startsWith("missing: ").contains("model.onnx");

            HttpResponse<String> absent = chat(server, "extra");
            assertEquals(503, absent.statusCode(), absent.body());
            assertThat(absent.body()).contains("\"code\":\"model_unavailable\"").contains("failed to load");
            assertEquals(200, chat(server, "m").statusCode());
            assertThat(log(server)).contains("Optional model 'extra' failed to load");
        }
    }

    @Test
    void aVariantIsConfiguredPerModelAndAMissingOneNamesWhatIsThere() throws Exception {
        // Transformers.js' layout: config and tokenizer at the root, one graph per variant under onnx/
        Path repo = Files.createTempDirectory("onnx-community");
        for (String f : List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(FIXTURE.resolve(f), repo.resolve(f));
        }
        Files.createDirectories(repo.resolve("onnx"));
        Files.copy(FIXTURE.resolve("model.onnx"), repo.resolve("onnx/model.onnx"));
        Files.copy(FIXTURE.resolveSibling("tiny-qwen-fp16").resolve("model.onnx"), repo.resolve("onnx/model_fp16.onnx"));
        try (ServerProcess server = ServerProcess.start(repo, List.of("-Dslhf.models.m.path=" + repo,
                "-Dslhf.models.m.variant=fp16", "-Dslhf.models.q.path=" + repo, "-Dslhf.models.q.variant=q4",
                "-Dslhf.models.q.optional=true", "-Dslhf.leader=m", "-Dslhf.follower=m"))) {
            assertTrue(server.awaitReady(Duration.ofSeconds(90)), () -> "server did not start:\n" + log(server));
            assertThat(log(server)).contains("Loaded model 'm' from " + repo + " (onnx/model_fp16.onnx)")
                    .contains("KV float16");
            assertEquals(200, chat(server, "m").statusCode());
            JsonNode models = check(awaitReady(server).body(), "models").get("data");
            assertThat(models.get("q").asText()).startsWith("missing: ").contains("model_q4.onnx")
                    .contains("variants present: fp32 (onnx/model.onnx), fp16 (onnx/model_fp16.onnx)");
        }
    }

    @Test
    void cudaOnACpuBuildStopsStartUpWithTheWayOut() throws Exception {
        try (ServerProcess server = ServerProcess.start(Path.of("").toAbsolutePath(), List.of(
                "-Dslhf.models.m.path=" + FIXTURE, "-Dslhf.models.m.device=cuda", "-Dslhf.leader=m", "-Dslhf.follower=m"))) {
            assertTrue(server.process.waitFor(90, TimeUnit.SECONDS), "the process must exit");
            assertTrue(server.process.exitValue() != 0);
            assertThat(log(server)).contains("device=cuda was requested").contains("-Pcuda");
        }
    }

    private static HttpResponse<String> awaitReady(ServerProcess server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpResponse<String> r;
        do {
            r = HTTP.send(HttpRequest.newBuilder(server.url("/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return r;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return r;
    }

    private static JsonNode check(String health, String name) throws Exception {
        for (JsonNode c : new ObjectMapper().readTree(health).get("checks")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check '" + name + "' in " + health);
    }

    private static HttpResponse<String> chat(ServerProcess server, String model) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.url("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"hi\"}],\"max_tokens\":3}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String log(ServerProcess server) {
        try {
            return server.output();
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
