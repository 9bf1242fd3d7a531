package dev.slhf.serve.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Item 3: streamed refinements at four times what the engine admits (2 batch slots + 4 queued),
 * with every refused client retrying at once so the queue stays full. Overload must only ever be
 * a 429 with Retry-After before the response starts; every accepted refinement runs all its
 * rounds and ends with {@code done}. Before, follower rounds were refused mid-stream.
 */
class RefineOverloadIT {

    private static final int CLIENTS = 24;
    private static final int REQUESTS_EACH = 3;

    @Test
    void everyAcceptedStreamedRefinementEndsWithDone() throws Exception {
        try (ServerProcess server = Loopback.start(List.of("-Dslhf.models.tiny.max-batch-size=2",
                "-Dslhf.models.tiny.max-waiting=4"))) {
            AtomicInteger refused = new AtomicInteger();
            List<String> failures = new CopyOnWriteArrayList<>();
            ConcurrentHashMap<String, AtomicInteger> done = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    clients.add(pool.submit(() -> {
                        for (int r = 0; r < REQUESTS_EACH; r++) {
                            boolean pipeline = (client + r) % 3 == 0;
                            String path = pipeline ? "/v1/chat/completions" : "/v1/refine";
                            String body = pipeline
                                    ? "{\"model\":\"slhf\",\"messages\":[{\"role\":\"user\",\"content\":\"Sort: 3 1 2\"}],"
                                            + "\"refinement_rounds\":2,\"max_tokens\":12,\"temperature\":0,\"stream\":true}"
                                    : "{\"prompt\":\"Sort: 3 1 2 " + client + "\",\"rounds\":3,\"max_tokens\":12,"
                                            + "\"temperature\":0.7,\"seed\":" + r + ",\"stream\":true}";
                            for (int attempt = 0; attempt < 2000; attempt++) {
                                HttpResponse<String> resp = Loopback.post(server, path, body, Duration.ofSeconds(120));
                                if (resp.statusCode() == 429) {
                                    refused.incrementAndGet();
                                    if (resp.headers().firstValue("Retry-After").isEmpty()
                                            || !resp.body().contains("\"code\":\"server_overloaded\"")) {
                                        failures.add("429 without Retry-After or OpenAI body: " + resp.body());
                                    }
                                    Thread.sleep(5); // retry almost at once: keep the queue full
                                    continue;
                                }
                                String text = resp.body();
                                boolean finished = pipeline ? text.contains("\"refinement\":[") && text.endsWith("data: [DONE]\n\n")
                                        : text.contains("event: done\n") && !text.contains("event: error\n");
                                if (resp.statusCode() != 200 || !finished || text.contains("server_overloaded")) {
                                    failures.add(path + " " + resp.statusCode() + " " + resp.headers().map()
                                            + " after " + attempt + " refusals: "
                                            + text.substring(Math.max(0, text.length() - 400)));
                                }
                                done.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
                                break;
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : clients) {
                    f.get(5, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            if (!failures.isEmpty()) {
                String log = Loopback.output(server);
                System.out.println("RefineOverloadIT: server log tail:\n" + log.substring(Math.max(0, log.length() - 6000)));
            }
            assertThat(failures).as("accepted requests that did not finish").isEmpty();
            assertThat(refused.get()).as("the load was over capacity").isPositive();
            int served = done.values().stream().mapToInt(AtomicInteger::get).sum();
            assertEquals(CLIENTS * REQUESTS_EACH, served, "every client was eventually served: " + done);
        }
    }
}
