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
import dev.slhf.serve.refine.Round;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The prefix KV cache on refinement traffic: held-out demo prompts, one model (slhf-tiny) as
 * leader and follower, N follower rounds, the cache on ({@code EngineSettings.defaults()}) versus
 * off ({@code withPrefixCacheBytes(0)}), two engines side by side with the runs interleaved so that
 * machine noise hits both alike. Prints prompt tokens prefilled, the share of round 1's prompt
 * that was prefilled, time spent in prefill passes (all rounds) and follower-round wall time
 * (submission to last token, summed over rounds), with on/off ratios, for greedy and the paper's
 * sampling (temperature 0.9, top_k 50, seeded) at 1 and 8 concurrent refinements; and whether the
 * outputs were the same. Figures are sums over the passes, the same prompts for on and off.
 *
 * <pre>./mvnw -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.slhf.serve.bench.PrefixCacheBenchmark [-Dexec.args="--n 24 --rounds 4 --reps 3"]</pre>
 */
public final class PrefixCacheBenchmark {

    /** Prefix-cache reports of one engine, in the order it prefilled. */
    static final class Reports implements EngineMetrics {
        final List<int[]> queries = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicLong prefillNanos = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public void step(Phase phase, int rows, int tokens, long nanos) {
            if (phase == Phase.PREFILL) {
                prefillNanos.addAndGet(nanos);
            }
        }

        @Override
        public void prefixCacheQueried(int queried, int hits) {
            queries.add(new int[] {queried, hits});
        }
    }

    /** What one pass over the prompts measured. */
    record Pass(long promptTokens, long prefilled, long round1Prompt, long round1Prefilled, int round1Whole,
            int refinements, double prefillMs, double followerMs, double wallMs, List<String> texts) {
        Pass plus(Pass o) {
            return new Pass(promptTokens + o.promptTokens, prefilled + o.prefilled, round1Prompt + o.round1Prompt,
                    round1Prefilled + o.round1Prefilled, round1Whole + o.round1Whole, refinements + o.refinements,
                    prefillMs + o.prefillMs, followerMs + o.followerMs, wallMs + o.wallMs, List.of());
        }
    }

    public static void main(String[] args) throws Exception {
        int n = intArg(args, "--n", 24);
        int rounds = intArg(args, "--rounds", 4);
        int maxTokens = intArg(args, "--max-tokens", 64);
        int reps = intArg(args, "--reps", 3);
        int threads = intArg(args, "--threads", Runtime.getRuntime().availableProcessors());
        Path dir = Path.of(strArg(args, "--model", "models/demo/slhf-tiny"));
        List<String> prompts = heldOut(Path.of("models/eval/heldout.jsonl"), n * 4 * (1 + reps));
        Reports onReports = new Reports(), offReports = new Reports();
        EngineSettings settings = new EngineSettings(16, 1024, 512);
        try (LoadedModel on = ModelLoader.load("on", dir, new OnnxOptions(threads, 1), settings, onReports);
                LoadedModel off = ModelLoader.load("off", dir, new OnnxOptions(threads, 1),
                        settings.withPrefixCacheBytes(0), offReports)) {
            System.out.printf("Prefix cache on (%d MiB) vs off: %s as leader and follower, %d held-out prompts,"
                    + " %d follower rounds, max_tokens %d, %d intra-op threads, sums over %d passes of different prompts%n%n",
                    settings.prefixCacheBytes() >> 20, dir.getFileName(), n, rounds, maxTokens, threads, reps);
            System.out.println("| sampling | concurrent | prompt tokens | prefilled on / off | round 1 prefilled (on)"
                    + " | prefill-pass ms on / off | follower-round ms on / off | same outputs |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            int slice = 0;
            for (boolean sampled : new boolean[] {false, true}) {
                SamplingParams params = sampled
                        ? new SamplingParams(0.9, 1, 50, 0, 1, 1234L, maxTokens, List.of(), false)
                        : new SamplingParams(0, 1, 0, 0, 1, null, maxTokens, List.of(), false);
                for (int concurrent : new int[] {1, 8}) {
                    // Each pass gets prompts of its own: a repetition must not find its whole
                    // prompts cached by the pass before (held-out prompts are all different).
                    run(on, onReports, slice(prompts, n, slice), rounds, params, concurrent); // warm-up (JIT, ORT arena)
                    run(off, offReports, slice(prompts, n, slice++), rounds, params, concurrent);
                    Pass onSum = new Pass(0, 0, 0, 0, 0, 0, 0, 0, 0, List.of()), offSum = onSum;
                    boolean same = true;
                    for (int r = 0; r < reps; r++) {
                        List<String> set = slice(prompts, n, slice++);
                        Pass a = run(off, offReports, set, rounds, params, concurrent);
                        Pass b = run(on, onReports, set, rounds, params, concurrent);
                        same &= a.texts().equals(b.texts());
                        offSum = offSum.plus(a);
                        onSum = onSum.plus(b);
                    }
                    System.out.printf("| %s | %d | %d | %d / %d (%.3f) | %s | %.0f / %.0f (%.3f) | %.0f / %.0f (%.3f) | %s |%n",
                            sampled ? "t=0.9 top_k=50" : "greedy", concurrent, onSum.promptTokens(),
                            onSum.prefilled(), offSum.prefilled(), (double) onSum.prefilled() / offSum.prefilled(),
                            concurrent == 1 ? String.format("%d of %d (%.1f %%); x + y0 reused whole in %d of %d",
                                    onSum.round1Prefilled(), onSum.round1Prompt(),
                                    100.0 * onSum.round1Prefilled() / onSum.round1Prompt(), onSum.round1Whole(),
                                    onSum.refinements())
                                    : "–",
                            onSum.prefillMs(), offSum.prefillMs(), onSum.prefillMs() / offSum.prefillMs(),
                            onSum.followerMs(), offSum.followerMs(), onSum.followerMs() / offSum.followerMs(),
                            same ? "yes" : "NO");
                }
            }
        }
    }

    /**
     * One refinement per prompt, {@code concurrent} at a time. The engine's prefix-cache reports
     * arrive in prefill order; with one refinement at a time that order is leader, round 1, ...,
     * round N, so round 1's share can be read off.
     */
    private static Pass run(LoadedModel model, Reports reports, List<String> prompts, int rounds, SamplingParams params,
            int concurrent) throws Exception {
        reports.queries.clear();
        reports.prefillNanos.set(0);
        RefinementPipeline pipeline = new RefinementPipeline(model, model);
        Semaphore slots = new Semaphore(concurrent);
        List<CompletableFuture<Refinement>> runs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (String prompt : prompts) {
            slots.acquire();
            CompletableFuture<Refinement> f = pipeline.start(new RefinementRequest(
                    List.of(new ChatMessage("user", prompt)), null, rounds, params, FollowerPrompt.paper()),
                    RefinementListener.NONE).result();
            f.whenComplete((r, e) -> slots.release());
            runs.add(f);
        }
        double followerMs = 0;
        long prompt = 0, r1Prompt = 0;
        List<String> texts = new ArrayList<>();
        List<Integer> leaderSequences = new ArrayList<>();
        for (CompletableFuture<Refinement> f : runs) {
            List<Round> done = f.get(30, TimeUnit.MINUTES).rounds();
            // what the leader left in the cache: its prompt and every token but the last
            leaderSequences.add(done.get(0).promptTokens() + done.get(0).completionTokens() - 1);
            for (Round round : done) {
                texts.add(round.text());
                prompt += round.promptTokens();
                if (round.round() > 0) {
                    followerMs += round.latencyMs();
                }
                if (round.round() == 1) {
                    r1Prompt += round.promptTokens();
                }
            }
        }
        double wallMs = (System.nanoTime() - t0) / 1e6;
        // A cache that is off reports nothing: then every prompt token was prefilled.
        long hits = 0, r1Hits = 0;
        int whole = 0;
        List<int[]> q = List.copyOf(reports.queries);
        for (int i = 0; i < q.size(); i++) {
            hits += q.get(i)[1];
            if (concurrent == 1 && i % (rounds + 1) == 1) {
                r1Hits += q.get(i)[1];
                if (q.get(i)[1] == leaderSequences.get(i / (rounds + 1))) {
                    whole++; // round 1 reused all of the leader's x + y0: the template re-renders y0 as the same ids
                }
            }
        }
        return new Pass(prompt, prompt - hits, r1Prompt, r1Prompt - r1Hits, whole, prompts.size(),
                reports.prefillNanos.get() / 1e6, followerMs, wallMs,
                texts);
    }

    private static List<String> slice(List<String> prompts, int n, int k) {
        int from = (k * n) % prompts.size();
        return prompts.subList(from, Math.min(prompts.size(), from + n));
    }

    private static List<String> heldOut(Path set, int n) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(set)) {
            if (!line.isBlank() && out.size() < n) {
                out.add(json.readTree(line).get("prompt").asText());
            }
        }
        return out;
    }

    private static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(strArg(args, name, Integer.toString(fallback)));
    }

    private static String strArg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
