package dev.slhf.serve.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slhf.serve.app.ModelLoader;
import dev.slhf.serve.engine.EngineSettings;
import dev.slhf.serve.engine.GenerationHandle;
import dev.slhf.serve.engine.GenerationResult;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.onnx.OnnxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Continuous batching throughput: 1, 2, 4, 8 and 16 concurrent greedy streams of 64 new tokens on
 * the demo model and the ~25M generated model, in one run. Prints aggregate and per-stream
 * tokens/s, TTFT p50/p95 and the ratio to one stream, next to the ratio ONNX Runtime alone gets
 * from batching at the same batch size ({@link BatchFrame}); writes the table to
 * {@code bench-results/throughput.md} and a plot to {@code bench-results/throughput.png}. With
 * {@code --http} it also drives the packaged server (target/quarkus-app) with the same
 * concurrency, so the HTTP overhead is visible.
 *
 * <pre>./mvnw -q -DskipTests package && ./mvnw -q test-compile exec:java \
 *     -Dexec.mainClass=dev.slhf.serve.bench.ThroughputBenchmark -Dexec.args="--reps 3 --http"</pre>
 */
public final class ThroughputBenchmark {

    static final int[] STREAMS = {1, 2, 4, 8, 16};
    static final String[] PROMPTS = {
        "Sort these numbers from smallest to largest: 42 7 19 3",
        "Reverse the order of these words: red green blue yellow",
        "Add 1234 and 5678.",
        "Uppercase this phrase: the quick brown fox",
        "Remove duplicates from this list: 4 4 2 9 2 7",
        "Count the letter e in the word excellence",
        "Tell me a short story about a robot who loves numbers.",
        "What is the capital of the country with the most lakes?",
    };

    /**
     * @param burstTtftP95 TTFT p95 when all streams arrive at once (every prompt must be read first)
     * @param ttftP50      steady state: each stream sends its next request when the previous ends,
     *                     output lengths 48..80 (mean 64) so arrivals spread out as in real traffic
     */
    record Row(String model, String path, int streams, double aggregate, double perStream, double burstTtftP95,
            double ttftP50, double ttftP95, double frame) {}

    public static void main(String[] args) throws Exception {
        int tokens = DecodeBenchmark.intArg(args, "--tokens", 64);
        int reps = DecodeBenchmark.intArg(args, "--reps", 3);
        int threads = DecodeBenchmark.intArg(args, "--threads", Runtime.getRuntime().availableProcessors());
        boolean http = Arrays.asList(args).contains("--http");
        Map<String, Path> models = new LinkedHashMap<>();
        models.put("slhf-tiny (demo)", Path.of("models/demo/slhf-tiny"));
        Path bench = Path.of("models/build/bench-25m");
        if (Files.isDirectory(bench)) {
            models.put("bench-25m", bench);
        } else {
            System.out.println("(skipping the ~25M model: run models/make-bench-model.sh first)");
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Path> m : models.entrySet()) {
            rows.addAll(engine(m.getKey(), m.getValue(), tokens, reps, threads));
            if (http) {
                rows.addAll(HttpLoad.run(m.getKey(), m.getValue(), tokens, reps, threads));
            }
        }
        String table = table(rows, tokens, threads, reps);
        System.out.println(table);
        Path out = Path.of("bench-results");
        Files.createDirectories(out);
        Files.writeString(out.resolve("throughput.md"), table);
        ThroughputPlot.write(rows, out.resolve("throughput.png"));
        System.out.println("wrote " + out.resolve("throughput.md") + " and " + out.resolve("throughput.png"));
    }

    private static List<Row> engine(String name, Path dir, int tokens, int reps, int threads) throws Exception {
        List<Row> rows = new ArrayList<>();
        Map<Integer, Double> frame = BatchFrame.measure(dir, threads, STREAMS, 20);
        try (LoadedModel model = ModelLoader.load(name, dir, new OnnxOptions(threads, 1), new EngineSettings(16, 64, 512))) {
            List<int[]> prompts = new ArrayList<>();
            for (String p : PROMPTS) {
                prompts.add(model.encode(p));
            }
            SamplingParams greedy = new SamplingParams(0, 1, 0, 0, 1, null, tokens, List.of(), true);
            wave(model, prompts, greedy, 4); // warm-up
            for (int streams : STREAMS) {
                List<Double> aggregates = new ArrayList<>(), perStream = new ArrayList<>(), ttfts = new ArrayList<>();
                for (int r = 0; r < reps; r++) {
                    long t0 = System.nanoTime();
                    List<GenerationResult> results = wave(model, prompts, greedy, streams);
                    double wall = (System.nanoTime() - t0) / 1e9;
                    int total = results.stream().mapToInt(GenerationResult::completionTokens).sum();
                    aggregates.add(total / wall);
                    for (GenerationResult g : results) {
                        perStream.add(g.completionTokens() / (g.totalNanos() / 1e9));
                        ttfts.add(g.timeToFirstTokenNanos() / 1e6);
                    }
                }
                List<Double> steady = closedLoop(model, prompts, tokens, streams, 6);
                rows.add(new Row(name, "engine", streams, median(aggregates), mean(perStream), percentile(ttfts, 95),
                        percentile(steady, 50), percentile(steady, 95), frame.get(streams) / frame.get(1)));
            }
        }
        return rows;
    }

    /**
     * Each of {@code streams} clients sends {@code perStream} requests back to back; returns the
     * TTFT (ms) of every request but each client's first, which arrives in the initial burst.
     */
    private static List<Double> closedLoop(LoadedModel model, List<int[]> prompts, int tokens, int streams, int perStream)
            throws Exception {
        List<Double> ttfts = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int c = 0; c < streams; c++) {
            clients.add(client(model, prompts, tokens, c, 0, perStream, ttfts));
        }
        for (CompletableFuture<Void> f : clients) {
            f.get(10, TimeUnit.MINUTES);
        }
        return ttfts;
    }

    private static CompletableFuture<Void> client(LoadedModel model, List<int[]> prompts, int tokens, int c, int i,
            int perStream, List<Double> ttfts) {
        if (i == perStream) {
            return CompletableFuture.completedFuture(null);
        }
        int length = tokens - 16 + ((c * 7 + i * 13) % 33); // 48..80 for 64
        SamplingParams p = new SamplingParams(0, 1, 0, 0, 1, null, length, List.of(), true);
        return model.generate(prompts.get((c + i) % prompts.size()), p, e -> {}).result().thenCompose(r -> {
            if (i > 0) {
                ttfts.add(r.timeToFirstTokenNanos() / 1e6);
            }
            return client(model, prompts, tokens, c, i + 1, perStream, ttfts);
        });
    }

    private static List<GenerationResult> wave(LoadedModel model, List<int[]> prompts, SamplingParams p, int streams)
            throws Exception {
        List<GenerationHandle> handles = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            handles.add(model.generate(prompts.get(i % prompts.size()), p, e -> {}));
        }
        List<GenerationResult> out = new ArrayList<>();
        for (GenerationHandle h : handles) {
            out.add(h.result().get(10, TimeUnit.MINUTES));
        }
        return out;
    }

    static String table(List<Row> rows, int tokens, int threads, int reps) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Greedy, %d new tokens per stream, %d ORT intra-op threads, %d waves per level (%s, %d cores)%n%n",
                tokens, threads, reps, System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors()));
        sb.append("| model | path | streams | aggregate tok/s | vs 1 stream | ORT-alone frame | per-stream tok/s"
                + " | burst TTFT p95 ms | steady TTFT p50 ms | steady TTFT p95 ms |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        Map<String, Double> single = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.streams() == 1) {
                single.put(r.model() + r.path(), r.aggregate());
            }
            double base = single.getOrDefault(r.model() + r.path(), r.aggregate());
            sb.append(String.format("| %s | %s | %d | %.1f | %.2fx | %s | %.1f | %s | %s | %s |%n", r.model(), r.path(),
                    r.streams(), r.aggregate(), r.aggregate() / base, Double.isNaN(r.frame()) ? "–" : String.format("%.2fx", r.frame()),
                    r.perStream(), fmt(r.burstTtftP95()), fmt(r.ttftP50()), fmt(r.ttftP95())));
        }
        return sb.toString();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "–" : String.format("%.1f", v);
    }

    static double median(List<Double> xs) {
        return percentile(xs, 50);
    }

    static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    static double percentile(List<Double> xs, int p) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int idx = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, idx))];
    }

    /** The same workload through the packaged server's /v1/chat/completions. */
    static final class HttpLoad {

        static List<Row> run(String name, Path dir, int tokens, int reps, int threads) throws Exception {
            Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
            if (!Files.exists(jar)) {
                System.out.println("(skipping HTTP: build the server first with ./mvnw -DskipTests package)");
                return List.of();
            }
            int port;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path log = Files.createTempFile("bench-server", ".log");
            Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dquarkus.http.port=" + port, "-Dslhf.models.m.path=" + dir.toAbsolutePath(),
                    "-Dslhf.models.m.intra-op-threads=" + threads, "-Dslhf.models.m.max-batch-size=16",
                    "-Dslhf.leader=m", "-Dslhf.follower=m", "-jar", jar.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(32);
            HttpClient client = HttpClient.newBuilder().executor(pool).build();
            List<Row> rows = new ArrayList<>();
            try {
                URI uri = URI.create("http://127.0.0.1:" + port + "/v1/chat/completions");
                awaitUp(client, URI.create("http://127.0.0.1:" + port + "/v1/models"), server);
                wave(client, uri, tokens, 4);
                for (int streams : STREAMS) {
                    List<Double> aggregates = new ArrayList<>(), perStream = new ArrayList<>();
                    for (int r = 0; r < reps; r++) {
                        long t0 = System.nanoTime();
                        List<double[]> results = wave(client, uri, tokens, streams);
                        double wall = (System.nanoTime() - t0) / 1e9;
                        aggregates.add(results.stream().mapToDouble(x -> x[0]).sum() / wall);
                        results.forEach(x -> perStream.add(x[0] / x[1]));
                    }
                    rows.add(new Row(name, "HTTP", streams, median(aggregates), mean(perStream), Double.NaN, Double.NaN,
                            Double.NaN, Double.NaN));
                }
            } finally {
                pool.shutdownNow(); // non-daemon threads would keep the benchmark JVM alive
                server.destroy();
                server.waitFor(20, TimeUnit.SECONDS);
                Files.deleteIfExists(log);
            }
            return rows;
        }

        private static void awaitUp(HttpClient client, URI uri, Process server) throws Exception {
            for (int i = 0; i < 600 && server.isAlive(); i++) {
                try {
                    if (client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                        return;
                    }
                } catch (java.io.IOException e) {
                    // not up yet
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("benchmark server did not start");
        }

        /** Returns {completion tokens, seconds} per request; tokens come from usage (a stop token may end early). */
        private static List<double[]> wave(HttpClient client, URI uri, int tokens, int streams) throws Exception {
            ObjectMapper json = new ObjectMapper();
            List<CompletableFuture<double[]>> calls = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                String body = json.createObjectNode().put("model", "m").put("max_tokens", tokens).put("temperature", 0)
                        .set("messages", json.createArrayNode().add(json.createObjectNode().put("role", "user")
                                .put("content", PROMPTS[i % PROMPTS.length]))).toString();
                long t0 = System.nanoTime();
                calls.add(client.sendAsync(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                        .thenApply(r -> {
                            try {
                                JsonNode n = json.readTree(r.body());
                                return new double[] {n.path("usage").path("completion_tokens").asDouble(),
                                        (System.nanoTime() - t0) / 1e9};
                            } catch (Exception e) {
                                throw new IllegalStateException(r.body(), e);
                            }
                        }));
            }
            List<double[]> out = new ArrayList<>();
            for (CompletableFuture<double[]> c : calls) {
                out.add(c.get(10, TimeUnit.MINUTES));
            }
            return out;
        }
    }
}
