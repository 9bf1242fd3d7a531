package dev.slhf.serve.bench;

import dev.slhf.serve.app.ModelLoader;
import dev.slhf.serve.engine.EngineSettings;
import dev.slhf.serve.engine.GenerationHandle;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.onnx.OnnxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Costs that grow with the vocabulary and the prompt, on the real-shape bench model
 * ({@code models/make-bench-model.sh qwen2.5-0.5b}: Qwen2.5-0.5B's shape, vocabulary 151,936),
 * through the engine (prefix cache and speculation off, so every figure is plain prefill or
 * decode). One run, ratios within it:
 * <ul>
 *   <li>TTFT (a one-token generation) for 128 / 1,024 / 3,000-token prompts, plain export vs the
 *       same weights with {@code num_logits_to_keep} (models/tools/add_logits_to_keep.py);
 *   <li>decode tokens/s at 1 and 8 streams, greedy vs the SLHF paper's sampling settings
 *       (temperature 0.9, top_k 50).
 * </ul>
 *
 * <pre>./mvnw -q test-compile exec:java -Dexec.mainClass=dev.slhf.serve.bench.ScaleBenchmark \
 *     -Dexec.args="--tokens 48 --reps 3"</pre>
 * ({@code --only ttft} or {@code --only decode} runs one table.)
 */
public final class ScaleBenchmark {

    private ScaleBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path plain = Path.of(stringArg(args, "--model", "models/build/qwen2.5-0.5b"));
        Path keep = Path.of(plain + "-keep");
        int threads = DecodeBenchmark.intArg(args, "--threads", Runtime.getRuntime().availableProcessors());
        int tokens = DecodeBenchmark.intArg(args, "--tokens", 48);
        int reps = DecodeBenchmark.intArg(args, "--reps", 3);
        String only = stringArg(args, "--only", "all"); // ttft, decode or all
        if (!Files.isDirectory(plain)) {
            System.out.println(plain + " is missing: run models/make-bench-model.sh qwen2.5-0.5b first");
            return;
        }
        EngineSettings settings = new EngineSettings(8, 64, 512, 0, 0, 0, 0);
        System.out.printf("%s, %d intra-op threads, prefill chunks of 512, median of %d%n%n", plain, threads, reps);

        try (LoadedModel a = ModelLoader.load("plain", plain, new OnnxOptions(threads, 1), settings);
                LoadedModel b = Files.isDirectory(keep)
                        ? ModelLoader.load("keep", keep, new OnnxOptions(threads, 1), settings) : null) {
            if (!only.equals("decode")) {
                System.out.println("| prompt tokens | TTFT plain s | TTFT num_logits_to_keep s | keep / plain |");
                System.out.println("|---|---|---|---|");
            }
            for (int n : only.equals("decode") ? new int[0] : new int[] {128, 1024, 3000}) {
                double tp = median(reps, r -> ttft(a, prompt(n, r)));
                double tk = b == null ? Double.NaN : median(reps, r -> ttft(b, prompt(n, r)));
                System.out.printf("| %d | %.2f | %.2f | %.2f |%n", n, tp, tk, tk / tp);
            }
            System.out.println();
            LoadedModel decoder = b != null ? b : a;
            System.out.println("| streams | greedy tok/s | T 0.9, top_k 50 tok/s | sampled / greedy |");
            System.out.println("|---|---|---|---|");
            for (int streams : only.equals("ttft") ? new int[0] : new int[] {1, 8}) {
                double g = median(reps, r -> tokensPerSecond(decoder, streams, tokens, null, r));
                double s = median(reps, r -> tokensPerSecond(decoder, streams, tokens, 7L, r));
                System.out.printf("| %d | %.1f | %.1f | %.2f |%n", streams, g, s, s / g);
            }
        }
    }

    /** Token ids of the bench model's real (non-padded) vocabulary, different per rep. */
    private static int[] prompt(int n, int rep) {
        SplittableRandom random = new SplittableRandom(31L * n + rep);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = random.nextInt(509);
        }
        return ids;
    }

    private static double ttft(LoadedModel model, int[] prompt) throws Exception {
        long start = System.nanoTime();
        model.generate(prompt, params(null, 1), e -> {}).result().get(10, TimeUnit.MINUTES);
        return (System.nanoTime() - start) / 1e9;
    }

    /** Aggregate decode rate of {@code streams} concurrent generations after a shared-length prompt. */
    private static double tokensPerSecond(LoadedModel model, int streams, int tokens, Long seed, int rep)
            throws Exception {
        List<GenerationHandle> handles = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            handles.add(model.generate(prompt(16, 100 * rep + i), params(seed == null ? null : seed + i, tokens), e -> {}));
        }
        int generated = 0;
        for (GenerationHandle h : handles) {
            generated += h.result().get(10, TimeUnit.MINUTES).completionTokens();
        }
        return generated / ((System.nanoTime() - start) / 1e9);
    }

    /** Greedy when {@code seed} is null, else the paper's sampling settings; EOS ignored for fixed lengths. */
    private static SamplingParams params(Long seed, int maxTokens) {
        return seed == null
                ? new SamplingParams(0, 1, 0, 0, 1, null, maxTokens, List.of(), true)
                : new SamplingParams(0.9, 1, 50, 0, 1, seed, maxTokens, List.of(), true);
    }

    private interface Run {
        double time(int rep) throws Exception;
    }

    private static double median(int reps, Run run) throws Exception {
        run.time(-1); // warm-up, not counted
        double[] xs = new double[reps];
        for (int r = 0; r < reps; r++) {
            xs[r] = run.time(r);
        }
        Arrays.sort(xs);
        return xs[reps / 2];
    }

    static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
