package dev.slhf.serve.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Item 1 of the reliability round: clients that send a request for a huge answer and never read
 * it, against a 256 MB heap with {@code -XX:+ExitOnOutOfMemoryError} (as the Dockerfile runs).
 * Before, 6-8 such clients killed the process. Now each either gets a 429 before anything is
 * generated, or is cut as a slow reader with its generation cancelled; the process stays up and
 * a normal client is served meanwhile.
 */
class SlowReadersIT {

    /** The 194-byte probe: about 11 MB of JSON (16 choices x 490 tokens x 21 log-probabilities). */
    private static final String HUGE = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"n\":16,\"max_tokens\":490,\"ignore_eos\":true,\"logprobs\":true,\"top_logprobs\":20";

    @Test
    void nonReadingClientsAreCutAndTheServerStaysUp() throws Exception {
        try (ServerProcess server = Loopback.start(List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                "-Dslhf.limits.write-timeout=2s", "-Dslhf.limits.max-buffered-bytes-per-connection=1M",
                // one sequence at a time: the non-readers' choices are still queued or decoding when they are cut
                "-Dslhf.models.tiny.max-batch-size=1"))) {
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    // streams first (4 x 1000 tokens with logprobs: ~6 MB of frames, longer to generate than the
                    // write timeout), then the non-streamed probe
                    String body = i >= 4 ? HUGE + "}"
                            : HUGE.replace("\"n\":16", "\"n\":4").replace("490", "1000") + ",\"stream\":true}";
                    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                    stalled.add(Loopback.sendAndStall(server, Loopback.postHead("/v1/chat/completions", bytes.length),
                            bytes));
                    Thread.sleep(300);
                }
                // a client that reads is served meanwhile (a 429 while the non-readers hold the budget is retried)
                HttpResponse<String> normal = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (System.nanoTime() < deadline) {
                    normal = Loopback.post(server, "/v1/chat/completions", "{\"model\":\"tiny\",\"messages\":[{\"role\":"
                            + "\"user\",\"content\":\"hi\"}],\"max_tokens\":8,\"temperature\":0}", Duration.ofSeconds(60));
                    if (normal.statusCode() != 429) {
                        break;
                    }
                    Thread.sleep(500);
                }
                assertEquals(200, normal.statusCode(), normal.body());

                // the stalled streams are cut: generation cancelled, counted as slow clients
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (System.nanoTime() < deadline && (Loopback.metric(server, "slhf_slow_clients_total") < 2
                        || Loopback.metric(server, "slhf_requests_cancelled_total") < 1)) {
                    Thread.sleep(250);
                }
                assertThat(Loopback.metric(server, "slhf_slow_clients_total")).as("slow clients cut").isGreaterThanOrEqualTo(2);
                assertThat(Loopback.metric(server, "slhf_requests_cancelled_total")).as("their generations cancelled")
                        .isGreaterThanOrEqualTo(1);
                assertTrue(server.process.isAlive(), () -> "the server died:\n" + Loopback.output(server));
                assertEquals(200, Loopback.get(server, "/q/health/ready").statusCode());
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
            String log = Loopback.output(server);
            assertThat(log).doesNotContain("OutOfMemoryError").contains("stopped reading");
        }
    }
}
