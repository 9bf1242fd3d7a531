package dev.slhf.serve.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A soak of the packaged server ({@code target/quarkus-app/quarkus-run.jar}) as a child process
 * with a fixed, pre-touched heap ({@code -Xms256m -Xmx256m -XX:+AlwaysPreTouch}), so that growth of
 * its resident set is native memory (ONNX Runtime, tokenizers, Netty buffers), not the Java heap
 * filling up. A few clients send a mix of requests: chat (plain and streamed, sometimes n=2),
 * text completions, refinements (plain and streamed), streams cancelled mid-way by closing the
 * connection, and bad requests. The server's VmRSS is sampled every {@code sampleEvery} requests.
 * Used by {@link SoakBenchmark} (10 000 requests) and the CI test {@code it/SoakIT} (a short run).
 */
public final class Soak {

    public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();

    /**
     * @param model       model directory served as model {@code m}, leader and follower; null serves the
     *                    bundled demo models (the server's default, run from the repository root)
     * @param warmupShare share of the requests after which the reference RSS is taken
     */
    public record Options(int requests, int clients, int sampleEvery, double warmupShare, Path model) {}

    public record Sample(int requests, long rssKb) {}

    public record Result(List<Sample> samples, long warmupRssKb, long endRssKb, double driftPercent,
            double maxDeviationPercent, Map<String, Integer> outcomes, int serverErrors, int unexpected,
            double seconds) {

        public String report() {
            StringBuilder s = new StringBuilder();
            s.append("RSS series (requests done: VmRSS MiB):");
            for (Sample x : samples) {
                s.append(String.format(" %d:%.1f", x.requests(), x.rssKb() / 1024.0));
            }
            s.append('\n');
            s.append(String.format("RSS after warm-up %.1f MiB, at the end %.1f MiB: drift %+.2f %%, largest deviation"
                    + " after warm-up %+.2f %%%n", warmupRssKb / 1024.0, endRssKb / 1024.0, driftPercent,
                    maxDeviationPercent));
            s.append("outcomes: ").append(outcomes).append('\n');
            s.append(String.format("5xx: %d, unexpected statuses: %d, wall time %.1f s%n", serverErrors, unexpected,
                    seconds));
            return s.toString();
        }
    }

    private enum Kind { CHAT, CHAT_STREAM, CHAT_N2, COMPLETION, COMPLETION_STREAM, REFINE, REFINE_STREAM, CANCEL, BAD }

    /** Out of 100: the request mix. */
    private static final Kind[] MIX = mix(Map.of(Kind.CHAT, 22, Kind.CHAT_STREAM, 18, Kind.CHAT_N2, 5,
            Kind.COMPLETION, 10, Kind.COMPLETION_STREAM, 7, Kind.REFINE, 10, Kind.REFINE_STREAM, 6, Kind.CANCEL, 12,
            Kind.BAD, 10));

    private static Kind[] mix(Map<Kind, Integer> weights) {
        List<Kind> out = new ArrayList<>();
        weights.forEach((k, w) -> {
            for (int i = 0; i < w; i++) {
                out.add(k);
            }
        });
        out.sort(null);
        return out.toArray(Kind[]::new);
    }

    private static final String[] PROMPTS = {
        "Sort these numbers from smallest to largest: 42 7 19 3",
        "Reverse the order of these words: red green blue yellow",
        "Add 1234 and 5678.",
        "Uppercase this phrase: the quick brown fox",
        "Tell me a short story about a robot who loves numbers.",
        "What is the capital of the country with the most lakes?",
    };

    private static final String[] BAD = {
        "{\"model\":",
        "{\"model\":\"m\",\"messages\":[]}",
        "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":\"many\"}",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":-1}",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "word ".repeat(3000) + "\"}]}",
    };

    private Soak() {}

    public static Result run(Options o) throws Exception {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: build it with ./mvnw -DskipTests package");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-Dquarkus.http.port=" + port,
                "-Dquarkus.log.level=WARN"));
        String model = "slhf-tiny";
        if (o.model() != null) {
            model = "m";
            cmd.addAll(List.of("-Dslhf.models.m.path=" + o.model().toAbsolutePath(), "-Dslhf.leader=m",
                    "-Dslhf.follower=m"));
        }
        cmd.addAll(List.of("-jar", JAR.toString()));
        Path log = Files.createTempFile("soak-server", ".log");
        Process server = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ExecutorService pool = Executors.newFixedThreadPool(o.clients() + 2);
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            awaitUp(http, port, server, log);
            return drive(o, http, pool, port, server, model);
        } finally {
            pool.shutdownNow(); // non-daemon threads would keep a benchmark JVM alive
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
            Files.deleteIfExists(log);
        }
    }

    private static Result drive(Options o, HttpClient http, ExecutorService pool, int port, Process server,
            String model) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger serverErrors = new AtomicInteger();
        AtomicInteger unexpected = new AtomicInteger();
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        List<Sample> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        samples.add(new Sample(0, rssKb(server.pid())));
        long t0 = System.nanoTime();
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < o.clients(); c++) {
            Random rnd = new Random(1000L + c);
            clients.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < o.requests()) {
                    Kind kind = MIX[rnd.nextInt(MIX.length)];
                    String outcome;
                    try {
                        int status = send(kind, http, port, model, rnd);
                        boolean expected = kind == Kind.BAD ? status >= 400 && status < 500
                                : kind == Kind.CANCEL ? status == 200 : status == 200;
                        if (status >= 500) {
                            serverErrors.incrementAndGet();
                        }
                        if (!expected) {
                            unexpected.incrementAndGet();
                        }
                        outcome = kind.name().toLowerCase() + " " + status;
                    } catch (Exception e) {
                        unexpected.incrementAndGet();
                        outcome = kind.name().toLowerCase() + " " + e.getClass().getSimpleName();
                    }
                    outcomes.merge(outcome, 1, Integer::sum);
                    int n = done.incrementAndGet();
                    if (n % o.sampleEvery() == 0 || n == o.requests()) {
                        samples.add(new Sample(n, rssKb(server.pid())));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : clients) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Sample> series = new ArrayList<>(samples);
        series.sort(java.util.Comparator.comparingInt(Sample::requests));
        int warmupAt = (int) Math.ceil(o.requests() * o.warmupShare());
        Sample warm = series.stream().filter(s -> s.requests() >= warmupAt).findFirst().orElseThrow();
        Sample end = series.get(series.size() - 1);
        double drift = 100.0 * (end.rssKb() - warm.rssKb()) / warm.rssKb();
        double maxDev = 0;
        for (Sample s : series) {
            if (s.requests() >= warm.requests()) {
                double d = 100.0 * (s.rssKb() - warm.rssKb()) / warm.rssKb();
                if (Math.abs(d) > Math.abs(maxDev)) {
                    maxDev = d;
                }
            }
        }
        return new Result(series, warm.rssKb(), end.rssKb(), drift, maxDev, new TreeMap<>(outcomes),
                serverErrors.get(), unexpected.get(), seconds);
    }

    /** Sends one request of the kind; returns its status (a cancelled stream: the status seen before leaving). */
    private static int send(Kind kind, HttpClient http, int port, String model, Random rnd) throws Exception {
        String prompt = PROMPTS[rnd.nextInt(PROMPTS.length)];
        int maxTokens = 8 + rnd.nextInt(40);
        String sampling = rnd.nextBoolean() ? "\"temperature\":0" : "\"temperature\":0.8,\"seed\":" + rnd.nextInt(1000);
        String messages = "[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]";
        String chat = "{\"model\":\"" + model + "\",\"messages\":" + messages + ",\"max_tokens\":" + maxTokens + ","
                + sampling;
        return switch (kind) {
            case CHAT -> post(http, port, "/v1/chat/completions", chat + "}");
            case CHAT_STREAM -> post(http, port, "/v1/chat/completions",
                    chat + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
            case CHAT_N2 -> post(http, port, "/v1/chat/completions", chat + ",\"n\":2}");
            case COMPLETION -> post(http, port, "/v1/completions", "{\"model\":\"" + model + "\",\"prompt\":\"" + prompt
                    + "\",\"max_tokens\":" + maxTokens + "," + sampling + "}");
            case COMPLETION_STREAM -> post(http, port, "/v1/completions", "{\"model\":\"" + model + "\",\"prompt\":\""
                    + prompt + "\",\"max_tokens\":" + maxTokens + "," + sampling + ",\"stream\":true}");
            case REFINE -> post(http, port, "/v1/refine", "{\"prompt\":\"" + prompt + "\",\"rounds\":1,\"max_tokens\":"
                    + maxTokens / 2 + "," + sampling + "}");
            case REFINE_STREAM -> post(http, port, "/v1/refine", "{\"messages\":" + messages
                    + ",\"rounds\":1,\"max_tokens\":" + maxTokens / 2 + "," + sampling + ",\"stream\":true}");
            case CANCEL -> rnd.nextBoolean()
                    ? cancelMidStream(port, "/v1/chat/completions",
                            chat.replace("\"max_tokens\":" + maxTokens, "\"max_tokens\":200") + ",\"stream\":true}",
                            rnd.nextInt(4))
                    : cancelMidStream(port, "/v1/refine", "{\"prompt\":\"" + prompt
                            + "\",\"rounds\":2,\"max_tokens\":200,\"temperature\":0.8,\"stream\":true}", rnd.nextInt(4));
            case BAD -> post(http, port, "/v1/chat/completions", BAD[rnd.nextInt(BAD.length)]);
        };
    }

    private static int post(HttpClient http, int port, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    /** Streams on a raw socket and hangs up after {@code frames} data lines (0: right after the status line). */
    private static int cancelMidStream(int port, String path, String body, int frames) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(120_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String status = in.readLine();
            int code = status == null ? -1 : Integer.parseInt(status.split(" ")[1]);
            String line;
            int seen = 0;
            while (seen < frames && (line = in.readLine()) != null) {
                if (line.startsWith("data:")) {
                    seen++;
                }
            }
            return code;
        }
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the server's RSS (Linux /proc needed)", e);
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private static void awaitUp(HttpClient http, int port, Process server, Path log) throws Exception {
        URI ready = URI.create("http://127.0.0.1:" + port + "/v1/models");
        for (int i = 0; i < 900 && server.isAlive(); i++) {
            try {
                if (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("soak server did not start:\n" + Files.readString(log));
    }
}
