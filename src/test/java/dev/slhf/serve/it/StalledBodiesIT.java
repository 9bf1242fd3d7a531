package dev.slhf.serve.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Item 2: connections that declare a body and send almost none of it, more of them than the
 * worker pool has threads. Bodies are read on the event loop, so readiness and a normal request
 * stay answered while they stall; each stalled body then gets a 408 in the OpenAI shape.
 * (The bounds below are hang detectors, not performance claims.)
 */
class StalledBodiesIT {

    private static final int WORKERS = 8;

    @Test
    void stalledBodiesBeyondThePoolSizeBlockNoWorkerAndGet408() throws Exception {
        try (ServerProcess server = Loopback.start(List.of("-Dquarkus.thread-pool.max-threads=" + WORKERS,
                "-Dslhf.limits.body-read-timeout=3s"))) {
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < WORKERS * 3; i++) {
                    String path = i % 2 == 0 ? "/v1/chat/completions" : "/v1/refine";
                    stalled.add(Loopback.sendAndStall(server, Loopback.postHead(path, 100_000),
                            "{\"model\":\"tiny\",\"mes".getBytes(StandardCharsets.UTF_8)));
                }
                Thread.sleep(300); // every stalled request is past its headers
                assertEquals(200, Loopback.get(server, "/q/health/ready").statusCode());
                HttpResponse<String> chat = Loopback.post(server, "/v1/chat/completions", "{\"model\":\"tiny\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4,\"temperature\":0}",
                        Duration.ofSeconds(20));
                assertEquals(200, chat.statusCode(), chat.body());
                assertEquals(200, Loopback.get(server, "/v1/models").statusCode());

                for (Socket s : stalled) {
                    s.setSoTimeout(30_000);
                    String answer = readAll(s.getInputStream());
                    assertThat(answer).startsWith("HTTP/1.1 408").contains("\"code\":\"body_read_timeout\"")
                            .contains("\"type\":\"invalid_request_error\"");
                }
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
            assertTrue(server.process.isAlive());
            assertEquals(200, Loopback.get(server, "/q/health/ready").statusCode());
        }
    }

    /** Until the server closes the connection (it does after a 408). */
    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
