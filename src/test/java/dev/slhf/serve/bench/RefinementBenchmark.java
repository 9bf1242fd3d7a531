package dev.slhf.serve.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slhf.serve.app.ModelLoader;
import dev.slhf.serve.engine.EngineMetrics;
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
import dev.slhf.serve.refine.Role;
import dev.slhf.serve.refine.Round;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What refinement-aware serving buys: held-out demo prompts refined for 4 follower rounds by the
 * demo model playing both roles, with everything on (draft-copy speculation, and the prefix cache
 * once it is wired) against everything off, greedy and with the paper's sampling (temperature
 * 0.9, top_k 50), 1 and 8 refinements in flight. Greedy outputs must be identical (checked; the
 * program fails otherwise). Prints the follower-round wall time ratio, forward passes, prefill
 * tokens and the follower's mean acceptance length.
 *
 * <p>Then {@link VerifyCost}: one verify pass of k = 1..8 proposals per row against a one-token
 * step, on the largest bench model present, and {@link NoMatchCost}: tokens/s with speculation
 * on against off where nothing recurs.
 *
 * <pre>models/make-bench-model.sh   # once, for the 25M model (needs python3-torch)
 * ./mvnw -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.slhf.serve.bench.RefinementBenchmark [-Dexec.args="--prompts 24 --threads 2"]</pre>
 */
public final class RefinementBenchmark {

    static final Path DEMO = Path.of("models/demo/slhf-tiny");
    static final int ROUNDS = 4;

    public static void main(String[] args) throws Exception {
        int prompts = DecodeBenchmark.intArg(args, "--prompts", 24);
        int threads = DecodeBenchmark.intArg(args, "--threads", Runtime.getRuntime().availableProcessors());
        int maxTokens = DecodeBenchmark.intArg(args, "--max-tokens", 96);
        int reps = DecodeBenchmark.intArg(args, "--reps", 3);
        List<String> xs = heldout(prompts);
        Counting onMetrics = new Counting(), offMetrics = new Counting();
        System.out.printf("Refinement of %d held-out prompts, slhf-tiny as leader and follower, %d follower rounds,"
                + " max_tokens %d, %d intra-op threads, median of %d alternating runs%n%n", xs.size(), ROUNDS, maxTokens,
                threads, reps);
        System.out.println("| sampling | in flight | follower-round wall time on/off | forward passes on/off"
                + " | prefill tokens on/off | follower acceptance length | outputs |");
        System.out.println("|---|---|---|---|---|---|---|");
        try (LoadedModel on = load(true, threads, onMetrics); LoadedModel off = load(false, threads, offMetrics)) {
            SamplingParams greedy = new SamplingParams(0, 1, 0, 0, 1, null, maxTokens, List.of(), false);
            SamplingParams paper = new SamplingParams(0.9, 1, 50, 0, 1, 1L, maxTokens, List.of(), false);
            runAll(off, xs.subList(0, Math.min(4, xs.size())), greedy, 8); // warm-up (JIT, ORT arenas)
            runAll(on, xs.subList(0, Math.min(4, xs.size())), greedy, 8);
            for (SamplingParams sampling : List.of(greedy, paper)) {
                for (int inFlight : new int[] {1, 8}) {
                    // alternate off/on runs, so machine noise hits both alike; report the median's wall time
                    List<Double> offMs = new ArrayList<>(), onMs = new ArrayList<>();
                    List<Refinement> a = null, b = null;
                    for (int r = 0; r < reps; r++) {
                        offMetrics.reset();
                        onMetrics.reset();
                        a = runAll(off, xs, sampling, inFlight);
                        b = runAll(on, xs, sampling, inFlight);
                        offMs.add(followerMs(a));
                        onMs.add(followerMs(b));
                    }
                    double offMedian = ThroughputBenchmark.median(offMs), onMedian = ThroughputBenchmark.median(onMs);
                    String outputs = "differ (sampled)";
                    if (sampling.isGreedy()) {
                        for (int i = 0; i < a.size(); i++) {
                            if (!texts(a.get(i)).equals(texts(b.get(i)))) {
                                throw new AssertionError("greedy outputs differ on prompt " + i + ":\n" + texts(a.get(i))
                                        + "\n" + texts(b.get(i)));
                            }
                        }
                        outputs = "identical";
                    }
                    System.out.printf("| %s | %d | %.3f (%.0f / %.0f ms) | %.3f (%d / %d) | %.3f (%d / %d) | %.2f | %s |%n",
                            sampling.isGreedy() ? "greedy" : "T 0.9, top_k 50", inFlight,
                            onMedian / offMedian, onMedian, offMedian,
                            onMetrics.passes() / (double) offMetrics.passes(), onMetrics.passes(), offMetrics.passes(),
                            onMetrics.prefillTokens.get() / (double) offMetrics.prefillTokens.get(),
                            onMetrics.prefillTokens.get(), offMetrics.prefillTokens.get(),
                            onMetrics.followerAcceptanceLength(), outputs);
                }
            }
        }
        System.out.println();
        VerifyCost.main(args);
        System.out.println();
        NoMatchCost.main(args);
    }

    /** The one switch: everything on or everything off. */
    static EngineSettings settings(boolean on) {
        EngineSettings s = new EngineSettings(16, 256, 512);
        s = s.withSpeculativeTokens(on ? EngineSettings.DEFAULT_SPECULATIVE_TOKENS : 0);
        s = s.withPrefixCacheBytes(on ? EngineSettings.DEFAULT_PREFIX_CACHE_BYTES : 0);
        return s;
    }

    private static LoadedModel load(boolean on, int threads, EngineMetrics metrics) {
        return ModelLoader.load("slhf-tiny", DEMO, new OnnxOptions(threads, 1), settings(on), metrics);
    }

    static List<String> heldout(int count) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(Path.of("models/eval/heldout.jsonl"));
        List<String> out = new ArrayList<>();
        for (int i = 0; out.size() < Math.min(count, lines.size()); i++) {
            // stride 97 (prime to 600): every task family, in a fixed order
            out.add(json.readTree(lines.get((i * 97) % lines.size())).get("prompt").asText());
        }
        return out;
    }

    /** Refines every prompt, keeping {@code inFlight} refinements running; results in prompt order. */
    private static List<Refinement> runAll(LoadedModel model, List<String> xs, SamplingParams sampling, int inFlight)
            throws Exception {
        RefinementPipeline pipeline = new RefinementPipeline(model, model);
        Semaphore slots = new Semaphore(inFlight);
        List<CompletableFuture<Refinement>> all = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) {
            slots.acquire();
            SamplingParams p = sampling.isGreedy() ? sampling : sampling.withSeed((long) i);
            RefinementRequest request = new RefinementRequest(List.of(new ChatMessage("user", xs.get(i))), null, ROUNDS,
                    p, FollowerPrompt.paper());
            CompletableFuture<Refinement> f = pipeline.start(request, RefinementListener.NONE).result();
            f.whenComplete((r, e) -> slots.release());
            all.add(f);
        }
        List<Refinement> out = new ArrayList<>();
        for (CompletableFuture<Refinement> f : all) {
            out.add(f.get(10, TimeUnit.MINUTES));
        }
        return out;
    }

    private static List<String> texts(Refinement r) {
        return r.rounds().stream().map(Round::text).toList();
    }

    private static double followerMs(List<Refinement> rs) {
        return rs.stream().flatMap(r -> r.rounds().stream()).filter(r -> r.role() == Role.FOLLOWER)
                .mapToDouble(Round::latencyMs).sum();
    }

    /** Forward passes and prefill tokens of one configuration, and speculation by role. */
    static final class Counting implements EngineMetrics {
        final AtomicLong prefillPasses = new AtomicLong(), prefillTokens = new AtomicLong(),
                decodePasses = new AtomicLong(), decodeTokens = new AtomicLong(), followerDrafts = new AtomicLong(),
                followerAccepted = new AtomicLong(), drafts = new AtomicLong(), accepted = new AtomicLong();

        void reset() {
            for (AtomicLong a : List.of(prefillPasses, prefillTokens, decodePasses, decodeTokens, followerDrafts,
                    followerAccepted, drafts, accepted)) {
                a.set(0);
            }
        }

        long passes() {
            return prefillPasses.get() + decodePasses.get();
        }

        /** vLLM's mean acceptance length: tokens one verify pass emits for a row, 1 + accepted / drafts. */
        double followerAcceptanceLength() {
            return followerDrafts.get() == 0 ? 1 : 1 + followerAccepted.get() / (double) followerDrafts.get();
        }

        @Override
        public void step(Phase phase, int rows, int tokens, long nanos) {
            if (phase == Phase.PREFILL) {
                prefillPasses.incrementAndGet();
                prefillTokens.addAndGet(tokens);
            } else {
                decodePasses.incrementAndGet();
                decodeTokens.addAndGet(tokens);
            }
        }

        @Override
        public void speculated(String role, int proposed, int acceptedTokens) {
            drafts.incrementAndGet();
            accepted.addAndGet(acceptedTokens);
            if (role.equals(Role.FOLLOWER.wireName())) {
                followerDrafts.incrementAndGet();
                followerAccepted.addAndGet(acceptedTokens);
            }
        }
    }
}
