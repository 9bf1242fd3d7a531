package dev.slhf.serve.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the reliability ITs share: a started fixture server, plain requests, raw sockets, metrics. */
final class Loopback {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private Loopback() {}

    /** The fixture model as leader and follower, plus {@code extra} JVM options and properties; waits for readiness. */
    static ServerProcess start(List<String> extra) throws Exception {
        List<String> props = new java.util.ArrayList<>(List.of("-Dslhf.models.tiny.path=" + ServerProcess.FIXTURE,
                "-Dslhf.leader=tiny", "-Dslhf.follower=tiny", "-Dslhf.models.tiny.intra-op-threads=1"));
        props.addAll(extra);
        ServerProcess server = ServerProcess.start(Path.of("").toAbsolutePath(), props);
        assertTrue(server.awaitReady(Duration.ofSeconds(90)), () -> "server did not start:\n" + output(server));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (get(server, "/q/health/ready").statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "readiness never came UP");
            Thread.sleep(100);
        }
        return server;
    }

    static HttpResponse<String> get(ServerProcess server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(ServerProcess server, String path, String json, Duration timeout) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.url(path)).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A connection that sends {@code head} + {@code body} and then never reads (receive buffer kept small). */
    static Socket sendAndStall(ServerProcess server, byte[] head, byte[] body) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", server.port), 10_000);
        s.getOutputStream().write(head);
        if (body != null) {
            s.getOutputStream().write(body);
        }
        s.getOutputStream().flush();
        return s;
    }

    static byte[] postHead(String path, long contentLength) {
        return ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + contentLength + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sum of a Prometheus series' samples whose line starts with {@code prefix} (name plus optional tags). */
    static double metric(ServerProcess server, String prefix) throws Exception {
        double sum = 0;
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(prefix) + "[ {].*?([0-9.eE+-]+)$")
                .matcher(get(server, "/q/metrics").body());
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    static String output(ServerProcess server) {
        try {
            return server.output();
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
