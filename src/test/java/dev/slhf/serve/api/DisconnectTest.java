package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A client that leaves mid-stream cancels its generation: the engine counts it as cancelled. */
@QuarkusTest
class DisconnectTest {

    @TestHTTPResource("/")
    URL base;

    private double cancelled() {
        return RefinementMetricsTest.value(RefinementMetricsTest.scrape(),
                "slhf_requests_cancelled_total{model=\"tiny\"}");
    }

    /** Sends the request on a raw socket, reads until the first line containing {@code marker}, then hangs up. */
    private void leaveAfter(String path, String body, String marker) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.contains(marker)) {
                // skip headers and earlier events
            }
        }
    }

    private void awaitCancelled(double before) throws InterruptedException {
        // the engine applies the cancel between steps; poll instead of assuming how long that takes
        for (int i = 0; i < 300 && cancelled() < before + 1; i++) {
            Thread.sleep(100);
        }
        assertTrue(cancelled() >= before + 1, "the generation was cancelled when the client left");
        // and its batch slot is free again: nothing else runs in this test, so the gauge falls to 0
        for (int i = 0; i < 100 && running() > 0; i++) {
            Thread.sleep(20);
        }
        assertTrue(running() == 0, "slhf_num_requests_running falls back to 0 after the cancel");
    }

    private double running() {
        return RefinementMetricsTest.value(RefinementMetricsTest.scrape(), "slhf_num_requests_running{model=\"tiny\"}");
    }

    @Test
    void leavingARefineStreamCancelsTheRound() throws Exception {
        double before = cancelled();
        leaveAfter("/v1/refine", """
                {"prompt":"Write a long story","rounds":4,"temperature":0,"max_tokens":900,"stop":[],"stream":true}""",
                "event: delta");
        awaitCancelled(before);
    }

    @Test
    void leavingAChatStreamCancelsTheGeneration() throws Exception {
        double before = cancelled();
        leaveAfter("/v1/chat/completions", """
                {"model":"tiny","messages":[{"role":"user","content":"Write a long story"}],"max_tokens":900,
                 "temperature":0,"stop":[],"stream":true}""", "content");
        awaitCancelled(before);
    }

    @Test
    void leavingAPlainRequestCancelsTheGeneration() throws Exception {
        double before = cancelled();
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            byte[] bytes = """
                    {"model":"tiny","messages":[{"role":"user","content":"Write a long story"}],"max_tokens":900,
                     "temperature":0,"stop":[]}""".getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            // wait until the engine runs it, then hang up without reading
            for (int i = 0; i < 300 && RefinementMetricsTest.value(RefinementMetricsTest.scrape(),
                    "slhf_num_requests_running{model=\"tiny\"}") < 1; i++) {
                Thread.sleep(20);
            }
        }
        awaitCancelled(before);
        given().get("/v1/models").then().statusCode(200);
    }
}
