package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** A full waiting queue answers 429 with Retry-After; everything accepted still completes. */
@QuarkusTest
@TestProfile(OverloadTest.SmallQueue.class)
class OverloadTest {

    public static class SmallQueue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("slhf.models.tiny.max-batch-size", "2", "slhf.models.tiny.max-waiting", "2");
        }
    }

    @Test
    void burstBeyondCapacityGets429ForTheExcessOnly() throws Exception {
        int burst = 16; // 4x the capacity of 2 running + 2 waiting
        ExecutorService pool = Executors.newFixedThreadPool(burst);
        try {
            List<Future<Response>> calls = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                calls.add(pool.submit(() -> given().contentType(ContentType.JSON).body("""
                        {"model":"tiny","messages":[{"role":"user","content":"Write a long story"}],
                         "max_tokens":300,"temperature":0,"stop":[]}""").post("/v1/chat/completions")));
            }
            int ok = 0, refused = 0;
            for (Future<Response> f : calls) {
                Response r = f.get();
                if (r.statusCode() == 200) {
                    ok++;
                    assertTrue(r.jsonPath().getInt("usage.completion_tokens") > 0);
                } else {
                    assertEquals(429, r.statusCode(), r.asString());
                    assertTrue(Integer.parseInt(r.header("Retry-After")) >= 1);
                    assertEquals("server_overloaded", r.jsonPath().getString("error.type"));
                    refused++;
                }
            }
            assertEquals(burst, ok + refused);
            assertTrue(refused > 0, "a burst of 4x capacity must overflow the queue");
            assertTrue(ok >= 4, "at least the running and waiting slots were served, got " + ok);
        } finally {
            pool.shutdownNow();
        }
    }
}
