package dev.slhf.serve.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * What the console shows when streaming clients hang up: exactly one WARN line per disconnect (as
 * many as the server counted in {@code slhf_request_seconds{outcome="disconnected"}}),
 * without a stack trace, and no ERROR. A handler on the root logger sees every record; the ones
 * counted are those the console's filter (client-disconnects, {@link DisconnectLogFilter}) lets
 * through, i.e. what an operator would read.
 */
@QuarkusTest
class DisconnectLogTest {

    private static final int STREAMS = 5;

    @TestHTTPResource("/")
    URL base;

    /** Records as the console would print them. */
    static final class Captured extends Handler {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();
        private final DisconnectLogFilter console = new DisconnectLogFilter();

        @Override
        public void publish(LogRecord record) {
            if (console.isLoggable(record)) {
                records.add(record);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}

        long disconnectWarnings() {
            return records.stream().filter(r -> r.getLevel().intValue() == Level.WARNING.intValue()
                    && String.valueOf(r.getMessage()).contains("disconnected before the response")).count();
        }
    }

    /** Opens a refinement stream of up to 8 x 900 tokens and reads it up to its first delta. */
    private Socket openStream(int i) throws Exception {
        String body = "{\"prompt\":\"Write story " + i
                + "\",\"rounds\":8,\"max_tokens\":900,\"temperature\":0,\"stop\":[],\"stream\":true}";
        Socket socket = new Socket(base.getHost(), base.getPort());
        OutputStream out = socket.getOutputStream();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("POST /v1/refine HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.contains("event: delta")) {
            // headers and the first events
        }
        return socket;
    }

    /** Requests the server saw end in a disconnect (the same end handler writes the WARN line). */
    private static double disconnects() {
        return RefinementMetricsTest.value(RefinementMetricsTest.scrape(),
                "slhf_request_seconds_count{endpoint=\"/v1/refine\",outcome=\"disconnected\"}");
    }

    @Test
    void oneWarnLinePerDisconnectAndNoStackTrace() throws Exception {
        double before = disconnects();
        Captured captured = new Captured();
        Logger root = Logger.getLogger("");
        root.addHandler(captured);
        try {
            // all open at once (the batch makes each slower), then all reset, as killed clients leave
            List<Socket> streams = new java.util.ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                streams.add(openStream(i));
            }
            for (Socket socket : streams) {
                socket.setSoLinger(true, 0);
                socket.close();
            }
            for (int i = 0; i < 50 && captured.disconnectWarnings() < STREAMS; i++) {
                Thread.sleep(100);
            }
            // the generations are cancelled at the next engine step; let any late framework record arrive too
            for (int i = 0; i < 100 && running() > 0; i++) {
                Thread.sleep(50);
            }
            Thread.sleep(500);
        } finally {
            root.removeHandler(captured);
        }
        // a stream the tiny model finished before its reset arrived is no disconnect; every other one is
        long disconnected = Math.round(disconnects() - before);
        assertThat(disconnected).as("streams the server saw cut").isBetween(1L, (long) STREAMS);
        assertThat(captured.disconnectWarnings()).as("WARN lines: %s", messages(captured)).isEqualTo(disconnected);
        assertThat(captured.records).as("no ERROR: %s", messages(captured))
                .noneMatch(r -> r.getLevel().intValue() >= Level.SEVERE.intValue());
        assertThat(captured.records).as("no stack trace").noneMatch(r -> r.getThrown() != null
                && r.getLevel().intValue() >= Level.WARNING.intValue());
    }

    private static List<String> messages(Captured c) {
        return c.records.stream().map(r -> r.getLevel() + " " + r.getLoggerName() + " " + r.getMessage()).toList();
    }

    private double running() {
        return RefinementMetricsTest.value(RefinementMetricsTest.scrape(), "slhf_num_requests_running{model=\"tiny\"}");
    }
}
