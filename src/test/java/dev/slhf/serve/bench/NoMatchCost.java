package dev.slhf.serve.bench;

import dev.slhf.serve.app.ModelLoader;
import dev.slhf.serve.engine.EngineMetrics;
import dev.slhf.serve.engine.GenerationResult;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.onnx.OnnxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * What speculation costs when it cannot help. Two honest setups, speculation on against off in
 * one run, interleaved:
 * <ul>
 *   <li><b>nothing recurs</b>: the largest bench model, sampled at temperature 1 from a prompt of
 *       distinct random token ids; its output rarely repeats an n-gram, so almost every step is
 *       a failed lookup (the drafts column says how many were not);
 *   <li><b>leader rounds</b> of the demo model (greedy answers to held-out prompts, no draft to
 *       copy): lookups find 1-3-gram matches in the prompt that are mostly wrong.
 * </ul>
 * Prints decode tokens/s with speculation on / off (median of the repetitions).
 */
final class NoMatchCost {

    private NoMatchCost() {}

    public static void main(String[] args) throws Exception {
        int threads = DecodeBenchmark.intArg(args, "--threads", Runtime.getRuntime().availableProcessors());
        int reps = DecodeBenchmark.intArg(args, "--reps", 5);
        Path bench = Path.of("models/build/bench-25m");
        Path big = Files.isDirectory(bench) ? bench : RefinementBenchmark.DEMO;
        System.out.printf("Decode tokens/s with speculation on / off where it cannot help, %d intra-op threads,"
                + " median of %d%n%n", threads, reps);
        System.out.println("| setup | model | tok/s off | tok/s on | on / off | drafts per 100 tokens | accepted per draft |");
        System.out.println("|---|---|---|---|---|---|---|");
        measure("nothing recurs", big, threads, reps, m -> distinctPrompts(m.spec().vocabSize()),
                new SamplingParams(1.0, 1, 0, 0, 1, 3L, 128, List.of(), true));
        List<String> xs = RefinementBenchmark.heldout(8);
        measure("leader rounds", RefinementBenchmark.DEMO, threads, reps,
                m -> xs.stream().map(x -> m.encodeChat(List.of(new dev.slhf.serve.model.template.ChatMessage("user", x))))
                        .toList(),
                new SamplingParams(0, 1, 0, 0, 1, null, 64, List.of(), false));
    }

    private static void measure(String setup, Path dir, int threads, int reps,
            java.util.function.Function<LoadedModel, List<int[]>> prompts, SamplingParams params) throws Exception {
        RefinementBenchmark.Counting counts = new RefinementBenchmark.Counting();
        try (LoadedModel off = load(dir, false, threads, EngineMetrics.NONE);
                LoadedModel on = load(dir, true, threads, counts)) {
            List<int[]> ps = prompts.apply(off);
            for (int[] p : ps) {
                if (p.length == 0 || java.util.Arrays.stream(p).max().getAsInt() >= off.spec().vocabSize()) {
                    throw new IllegalStateException("prompt outside the vocabulary");
                }
            }
            rate(off, ps, params);
            rate(on, ps, params);
            counts.reset();
            List<Double> offRates = new ArrayList<>(), onRates = new ArrayList<>();
            long tokens = 0;
            for (int r = 0; r < reps; r++) {
                offRates.add(rate(off, ps, params)[0]);
                double[] x = rate(on, ps, params);
                onRates.add(x[0]);
                tokens += (long) x[1];
            }
            double a = ThroughputBenchmark.median(offRates), b = ThroughputBenchmark.median(onRates);
            System.out.printf("| %s | %s | %.1f | %.1f | %.3f | %.1f | %.2f |%n", setup, dir.getFileName(), a, b, b / a,
                    100.0 * counts.drafts.get() / tokens,
                    counts.drafts.get() == 0 ? 0 : counts.accepted.get() / (double) counts.drafts.get());
        }
    }

    /** Four prompts of 64 distinct random ids (no n-gram recurs inside one). */
    private static List<int[]> distinctPrompts(int vocab) {
        SplittableRandom random = new SplittableRandom(5);
        List<int[]> out = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            out.add(random.ints(0, vocab - 16).distinct().limit(64).toArray()); // below the special ids at the end
        }
        return out;
    }

    private static LoadedModel load(Path dir, boolean on, int threads, EngineMetrics metrics) {
        return ModelLoader.load(dir.getFileName().toString(), dir, new OnnxOptions(threads, 1),
                RefinementBenchmark.settings(on), metrics);
    }

    /** {decode tokens/s over the prompts one after another (first token excluded), tokens generated}. */
    private static double[] rate(LoadedModel m, List<int[]> prompts, SamplingParams params) throws Exception {
        double seconds = 0;
        long tokens = 0;
        for (int[] p : prompts) {
            GenerationResult r = m.generate(p, params, e -> {}).result().get(10, TimeUnit.MINUTES);
            seconds += (r.totalNanos() - r.timeToFirstTokenNanos()) / 1e9;
            tokens += r.completionTokens() - 1;
        }
        return new double[] {tokens / seconds, tokens};
    }
}
