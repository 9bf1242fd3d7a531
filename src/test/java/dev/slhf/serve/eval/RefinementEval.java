package dev.slhf.serve.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slhf.serve.app.ModelLoader;
import dev.slhf.serve.engine.EngineSettings;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.onnx.OnnxOptions;
import dev.slhf.serve.model.template.ChatMessage;
import dev.slhf.serve.refine.FollowerPrompt;
import dev.slhf.serve.refine.Refinement;
import dev.slhf.serve.refine.RefinementListener;
import dev.slhf.serve.refine.RefinementPipeline;
import dev.slhf.serve.refine.RefinementRequest;
import dev.slhf.serve.refine.Round;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The paper's per-round tables at toy scale: for each leader, greedy round 0 then follower
 * rounds 1..R on the held-out set; per round, prompt-level accuracy, average preference score vs
 * round 0 (fraction of prompts whose score after round k is ≥ round 0's), mean completion tokens
 * and mean latency. Prints a markdown table, writes a PNG chart, and prints one JSON object as
 * its last line.
 *
 * <pre>models/eval.sh [--n N] [--rounds R] [--server URL] [--leaders a,b] [--follower f]</pre>
 *
 * Without {@code --server} the models under models/demo run in this process on the engine.
 */
public final class RefinementEval {

    record Item(String prompt, String answer) {}

    record Stats(List<Double> accuracy, List<Double> preference, List<Double> tokens, List<Double> latencyMs) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        int n = Integer.parseInt(opts.getOrDefault("--n", "600"));
        int rounds = Integer.parseInt(opts.getOrDefault("--rounds", "4"));
        int maxTokens = Integer.parseInt(opts.getOrDefault("--max-tokens", "64"));
        String server = opts.get("--server");
        Path demo = Path.of(opts.getOrDefault("--models", "models/demo"));
        String followerName = opts.getOrDefault("--follower", "slhf-tiny");
        List<String> leaders = opts.containsKey("--leaders") ? List.of(opts.get("--leaders").split(","))
                : discoverLeaders(demo, followerName);
        List<Item> items = load(Path.of(opts.getOrDefault("--set", "models/eval/heldout.jsonl")), n);

        Map<String, Stats> results = new LinkedHashMap<>();
        if (server != null) {
            for (String leader : leaders) {
                results.put(leader, score(viaServer(server, leader, items, rounds, maxTokens), items, rounds));
            }
        } else {
            try (LoadedModel follower = load(demo.resolve(followerName), followerName)) {
                for (String leader : leaders) {
                    if (leader.equals(followerName)) {
                        results.put(leader, score(inProcess(follower, follower, items, rounds, maxTokens), items, rounds));
                    } else {
                        try (LoadedModel l = load(demo.resolve(leader), leader)) {
                            results.put(leader, score(inProcess(l, follower, items, rounds, maxTokens), items, rounds));
                        }
                    }
                }
            }
        }
        System.out.println(table(results, items.size(), rounds, followerName));
        Path png = Path.of(opts.getOrDefault("--plot", "models/eval/accuracy-by-round.png"));
        EvalPlot.write(results, png);
        System.out.println("chart: " + png);
        System.out.println(json(results, items.size()));
    }

    private static LoadedModel load(Path dir, String name) {
        return ModelLoader.load(name, dir, OnnxOptions.defaults(), new EngineSettings(16, 1024, 512));
    }

    private static List<String> discoverLeaders(Path demo, String follower) throws Exception {
        List<String> out = new ArrayList<>(List.of(follower));
        try (var dirs = Files.list(demo)) {
            dirs.filter(d -> Files.isRegularFile(d.resolve("model.onnx"))).map(d -> d.getFileName().toString())
                    .filter(d -> !d.equals(follower)).sorted().forEach(out::add);
        }
        return out;
    }

    private static List<Item> load(Path set, int n) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<Item> out = new ArrayList<>();
        for (String line : Files.readAllLines(set)) {
            if (!line.isBlank() && out.size() < n) {
                JsonNode node = json.readTree(line);
                out.add(new Item(node.get("prompt").asText(), node.get("answer").asText()));
            }
        }
        return out;
    }

    /** Every prompt's rounds, run concurrently so the engine batches them. */
    private static List<List<Round>> inProcess(LoadedModel leader, LoadedModel follower, List<Item> items, int rounds,
            int maxTokens) throws Exception {
        RefinementPipeline pipeline = new RefinementPipeline(leader, follower);
        SamplingParams greedy = new SamplingParams(0, 1, 0, 0, 1, null, maxTokens, List.of(), false);
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<Refinement>> runs = new ArrayList<>();
        for (Item item : items) {
            inFlight.acquire();
            RefinementRequest request = new RefinementRequest(List.of(new ChatMessage("user", item.prompt())), null,
                    rounds, greedy, FollowerPrompt.paper());
            CompletableFuture<Refinement> f = pipeline.start(request, RefinementListener.NONE).result();
            f.whenComplete((r, e) -> inFlight.release());
            runs.add(f);
        }
        List<List<Round>> out = new ArrayList<>();
        for (CompletableFuture<Refinement> f : runs) {
            out.add(f.get(30, TimeUnit.MINUTES).rounds());
        }
        return out;
    }

    private static List<List<Round>> viaServer(String base, String leader, List<Item> items, int rounds, int maxTokens)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        URI uri = URI.create(base.replaceAll("/+$", "") + "/v1/refine");
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<List<Round>>> calls = new ArrayList<>();
        for (Item item : items) {
            inFlight.acquire();
            ObjectNode body = json.createObjectNode().put("prompt", item.prompt()).put("leader", leader)
                    .put("rounds", rounds).put("temperature", 0).put("max_tokens", maxTokens);
            CompletableFuture<List<Round>> f = http.sendAsync(HttpRequest.newBuilder(uri)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
                        try {
                            JsonNode node = json.readTree(r.body());
                            if (r.statusCode() != 200) {
                                throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
                            }
                            List<Round> out = new ArrayList<>();
                            for (JsonNode round : node.get("rounds")) {
                                out.add(new Round(round.get("round").asInt(), null, round.path("model").asText(),
                                        round.get("text").asText(), round.path("finish_reason").asText(),
                                        round.path("prompt_tokens").asInt(), round.path("completion_tokens").asInt(),
                                        round.path("latency_ms").asDouble(), round.path("ttft_ms").asDouble()));
                            }
                            return out;
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
            f.whenComplete((r, e) -> inFlight.release());
            calls.add(f);
        }
        List<List<Round>> out = new ArrayList<>();
        for (CompletableFuture<List<Round>> c : calls) {
            out.add(c.get(30, TimeUnit.MINUTES));
        }
        return out;
    }

    static Stats score(List<List<Round>> runs, List<Item> items, int rounds) {
        List<Double> acc = new ArrayList<>(), pref = new ArrayList<>(), tokens = new ArrayList<>(), latency = new ArrayList<>();
        for (int k = 0; k <= rounds; k++) {
            double correct = 0, preferred = 0, tok = 0, ms = 0;
            for (int i = 0; i < items.size(); i++) {
                List<Round> r = runs.get(i);
                int s0 = Verifier.correct(r.get(0).text(), items.get(i).answer()) ? 1 : 0;
                int sk = Verifier.correct(r.get(k).text(), items.get(i).answer()) ? 1 : 0;
                correct += sk;
                preferred += sk >= s0 ? 1 : 0;
                tok += r.get(k).completionTokens();
                ms += r.get(k).latencyMs();
            }
            int m = items.size();
            acc.add(correct / m);
            pref.add(preferred / m);
            tokens.add(tok / m);
            latency.add(ms / m);
        }
        return new Stats(acc, pref, tokens, latency);
    }

    private static String table(Map<String, Stats> results, int n, int rounds, String follower) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Held-out set: %d prompts, greedy, follower %s%n%n", n, follower));
        sb.append("| leader | round | accuracy | preference vs round 0 | mean completion tokens | mean latency ms |\n");
        sb.append("|---|---|---|---|---|---|\n");
        results.forEach((leader, s) -> {
            for (int k = 0; k <= rounds; k++) {
                sb.append(String.format("| %s | %d | %.3f | %.3f | %.1f | %.1f |%n", leader, k, s.accuracy().get(k),
                        s.preference().get(k), s.tokens().get(k), s.latencyMs().get(k)));
            }
        });
        return sb.toString();
    }

    private static String json(Map<String, Stats> results, int n) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode().put("n", n);
        ObjectNode leaders = root.putObject("leaders");
        results.forEach((leader, s) -> {
            ObjectNode l = leaders.putObject(leader);
            s.accuracy().forEach(l.putArray("accuracy")::add);
            s.preference().forEach(l.putArray("preference")::add);
            s.latencyMs().forEach(v -> l.withArray("latency_ms").add(Math.round(v * 10) / 10.0));
        });
        return root.toString();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                out.put(args[i], i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true");
            }
        }
        return out;
    }
}
