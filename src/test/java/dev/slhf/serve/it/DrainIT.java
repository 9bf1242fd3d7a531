package dev.slhf.serve.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown of the packaged server in a real process, signalled with SIGTERM as
 * Kubernetes does: streams in flight finish (or, past the drain timeout, end with an error event),
 * new requests get 503 in the OpenAI shape, readiness is DOWN, and the process exits in time.
 */
class DrainIT {

    private static final Path FIXTURE = ServerProcess.FIXTURE;
    // HTTP/1.1 as OpenAI SDKs and curl speak it over cleartext; the JDK client's h2c upgrade would add
    // HTTP/2 GOAWAY handling (and a JDK bug around it, JDK-8335181) that is not what is tested here
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One engine slot, so concurrent streams run one after another and the work outlasts the signal. */
    private static ServerProcess start(String shutdownTimeout) throws Exception {
        ServerProcess server = ServerProcess.start(Path.of("").toAbsolutePath(), List.of(
                "-Dslhf.models.tiny.path=" + FIXTURE, "-Dslhf.leader=tiny", "-Dslhf.follower=tiny",
                "-Dslhf.models.tiny.max-batch-size=1", "-Dslhf.models.tiny.intra-op-threads=1",
                "-Dquarkus.shutdown.timeout=" + shutdownTimeout));
        assertTrue(server.awaitReady(Duration.ofSeconds(90)), () -> "server did not start:\n" + log(server));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (get(server, "/q/health/ready").statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "readiness never came UP");
            Thread.sleep(100);
        }
        return server;
    }

    @Test
    void inFlightStreamsFinishNewRequestsGet503AndTheProcessExits() throws Exception {
        try (ServerProcess server = start("30s")) {
            CountDownLatch firstToken = new CountDownLatch(1);
            List<CompletableFuture<List<String>>> streams = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                streams.add(stream(server, 700, firstToken));
            }
            assertTrue(firstToken.await(30, TimeUnit.SECONDS), "no stream started");
            long signalled = System.nanoTime();
            server.process.destroy(); // SIGTERM

            // the signal is handled asynchronously: a request may still slip in just before draining starts
            HttpResponse<String> refused = null;
            for (int i = 0; i < 100 && refused == null; i++) {
                HttpResponse<String> r;
                try {
                    r = chat(server, 4);
                } catch (java.io.IOException e) {
                    // a pooled keep-alive connection the server closed on shutdown: clients retry on a new one
                    Thread.sleep(20);
                    continue;
                }
                if (r.statusCode() == 503) {
                    refused = r;
                } else {
                    assertEquals(200, r.statusCode(), r.body());
                    Thread.sleep(20);
                }
            }
            assertThat(refused).as("a new request during the drain").isNotNull();
            assertThat(refused.body()).contains("\"code\":\"shutting_down\"").contains("\"type\":\"service_unavailable\"");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            HttpResponse<String> ready = get(server, "/q/health/ready");
            assertEquals(503, ready.statusCode(), ready.body());
            HttpResponse<String> health = get(server, "/health");
            assertEquals(503, health.statusCode(), health.body());
            assertThat(health.body()).contains("\"code\":\"not_ready\"");

            for (CompletableFuture<List<String>> s : streams) {
                List<String> data = s.get(60, TimeUnit.SECONDS);
                assertThat(data).as("every in-flight stream ends normally").last().isEqualTo("[DONE]");
                assertThat(data).noneMatch(d -> d.contains("\"error\""));
                assertThat(data.get(data.size() - 2)).contains("\"finish_reason\":\"length\"");
                assertThat(data.stream().filter(d -> d.contains("\"content\"")).count()).isGreaterThan(100);
            }
            assertTrue(server.process.waitFor(30, TimeUnit.SECONDS), "the process must exit within the timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(Duration.ofSeconds(30));
            assertThat(log(server)).contains("Draining").doesNotContain("Drain timeout");
        }
    }

    @Test
    void whatCannotFinishInTimeEndsWithAnErrorEventAndTheProcessStillExits() throws Exception {
        try (ServerProcess server = start("2s")) {
            CountDownLatch firstToken = new CountDownLatch(1);
            List<CompletableFuture<List<String>>> streams = new ArrayList<>();
            for (int i = 0; i < 24; i++) { // ~24 x 900 tokens one after another: far more than 2 s of work
                streams.add(stream(server, 900, firstToken));
            }
            assertTrue(firstToken.await(30, TimeUnit.SECONDS), "no stream started");
            long signalled = System.nanoTime();
            server.process.destroy();
            assertTrue(server.process.waitFor(20, TimeUnit.SECONDS), "the process must exit");
            assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(Duration.ofSeconds(10));
            int cancelled = 0;
            for (CompletableFuture<List<String>> s : streams) {
                List<String> data = s.get(30, TimeUnit.SECONDS);
                if (data.stream().anyMatch(d -> d.contains("\"error\""))) {
                    cancelled++;
                    assertThat(data).as("a cancelled stream still ends properly").last().isEqualTo("[DONE]");
                    assertThat(String.join("\n", data)).contains("shutting down");
                }
            }
            assertThat(cancelled).as("streams cut by the drain timeout").isPositive();
            assertThat(log(server)).contains("Drain timeout: cancelling");
        }
    }

    /** A streaming chat request; completes with its {@code data:} payloads once the stream ends. */
    private static CompletableFuture<List<String>> stream(ServerProcess server, int tokens, CountDownLatch firstToken) {
        HttpRequest req = HttpRequest.newBuilder(server.url("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"count\"}],\"stream\":true,\"ignore_eos\":true,\"temperature\":0,"
                        + "\"max_tokens\":" + tokens + "}"))
                .build();
        return HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofLines()).thenApplyAsync(r -> r.body()
                .filter(line -> line.startsWith("data: "))
                .map(line -> line.substring(6))
                .peek(d -> {
                    if (d.contains("\"content\"")) {
                        firstToken.countDown();
                    }
                })
                .collect(Collectors.toList()));
    }

    private static HttpResponse<String> chat(ServerProcess server, int tokens) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(server.url("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"hi\"}],\"max_tokens\":" + tokens + "}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(ServerProcess server, String path) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(server.url(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String log(ServerProcess server) {
        try {
            return server.output();
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
