package dev.slhf.serve.bench;

import dev.slhf.serve.app.ModelLoader;
import dev.slhf.serve.engine.EngineSettings;
import dev.slhf.serve.engine.GenerationResult;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.onnx.OnnxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Single-stream greedy decode speed: our engine (scheduler thread, sampler, streaming
 * detokenizer, stop checks) against {@link BareOrtGreedyLoop}, on the same model, prompt and
 * thread count, interleaved in one run so that machine noise hits both alike. Prints tokens/s
 * (median of the repetitions) and the ratio engine / bare.
 *
 * <pre>./mvnw -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.slhf.serve.bench.DecodeBenchmark [-Dexec.args="--tokens 128 --reps 7"]</pre>
 */
public final class DecodeBenchmark {

    public static void main(String[] args) throws Exception {
        int tokens = intArg(args, "--tokens", 128);
        int reps = intArg(args, "--reps", 7);
        int threads = intArg(args, "--threads", Runtime.getRuntime().availableProcessors());
        List<Path> models = new ArrayList<>(List.of(Path.of("src/test/resources/fixture/tiny-qwen")));
        Path bench = Path.of("models/build/bench-25m");
        if (Files.isDirectory(bench)) {
            models.add(bench);
        } else {
            System.out.println("(skipping the ~25M model: run models/make-bench-model.sh to generate " + bench + ")");
        }
        System.out.printf("Single-stream greedy decode, %d new tokens, %d intra-op threads, median of %d runs%n%n",
                tokens, threads, reps);
        System.out.println("| model | params | bare ORT loop tok/s | engine tok/s | engine / bare |");
        System.out.println("|---|---|---|---|---|");
        for (Path dir : models) {
            measure(dir, tokens, reps, threads);
        }
    }

    private static void measure(Path dir, int tokens, int reps, int threads) throws Exception {
        try (LoadedModel model = ModelLoader.load(dir.getFileName().toString(), dir, new OnnxOptions(threads, 1),
                new EngineSettings(1, 4, 512));
                BareOrtGreedyLoop bare = new BareOrtGreedyLoop(dir, threads, model.spec().numLayers(),
                        model.spec().numKvHeads(), model.spec().headDim())) {
            int[] prompt = model.encode("The quick brown fox jumps over the lazy dog. Tell me a story about it.");
            SamplingParams greedy = new SamplingParams(0, 1, 0, 0, 1, null, tokens, List.of(), true);
            // Warm-up both paths (JIT, ORT arena).
            for (int i = 0; i < 2; i++) {
                bare.run(prompt, tokens);
                engine(model, prompt, greedy);
            }
            double[] bareRates = new double[reps], engineRates = new double[reps];
            for (int r = 0; r < reps; r++) {
                double[] b = bare.run(prompt, tokens);
                bareRates[r] = b[1] / b[0];
                engineRates[r] = engine(model, prompt, greedy);
            }
            double bareMedian = median(bareRates), engineMedian = median(engineRates);
            long params = parameterCount(dir);
            System.out.printf("| %s | %s | %.1f | %.1f | %.3f |%n", dir.getFileName(), human(params), bareMedian,
                    engineMedian, engineMedian / bareMedian);
        }
    }

    /** Decode tokens/s of one engine generation, excluding prefill (first token) as the bare loop does. */
    private static double engine(LoadedModel model, int[] prompt, SamplingParams greedy) throws Exception {
        GenerationResult r = model.generate(prompt, greedy, e -> {}).result().get(10, TimeUnit.MINUTES);
        double decodeSeconds = (r.totalNanos() - r.timeToFirstTokenNanos()) / 1e9;
        return (r.completionTokens() - 1) / decodeSeconds;
    }

    private static long parameterCount(Path dir) throws Exception {
        return Files.size(dir.resolve("model.onnx")) / 4; // fp32 weights dominate the file
    }

    private static String human(long n) {
        return n >= 1_000_000 ? String.format("~%.1fM", n / 1e6) : String.format("~%dK", n / 1000);
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
