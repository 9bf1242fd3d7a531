package dev.slhf.serve.bench;

import dev.slhf.serve.engine.DenseReferenceSampler;
import dev.slhf.serve.engine.Sampler;
import dev.slhf.serve.engine.SamplingParams;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The engine-thread cost of choosing one token from a vocabulary-sized logits row, at Qwen2.5's
 * 151,936 entries: greedy argmax (the baseline), the sampler with the SLHF paper's settings
 * (temperature 0.9, top_k 50) and other filters, and the dense full-sort reference the sampler
 * replaced, all in one run. Prints microseconds per token, the ratio to greedy, and what the
 * extra cost is as a share of a decode step of {@code --step-ms} (default 15 ms: the 4-bit
 * Qwen2.5-0.5B shape decodes 64–67 tok/s single-stream on this machine, issue 13).
 *
 * <pre>./mvnw -q test-compile exec:java -Dexec.mainClass=dev.slhf.serve.bench.SamplerBenchmark</pre>
 */
public final class SamplerBenchmark {

    private SamplerBenchmark() {}

    private record Setting(String name, double temperature, int topK, double topP, double minP) {}

    public static void main(String[] args) {
        int vocab = DecodeBenchmark.intArg(args, "--vocab", 151_936);
        int tokens = DecodeBenchmark.intArg(args, "--tokens", 400);
        double stepMs = DecodeBenchmark.intArg(args, "--step-ms", 15);
        float[][] rows = rows(vocab, 8);
        List<Setting> settings = List.of(
                new Setting("T 0.9, top_k 50 (paper)", 0.9, 50, 1.0, 0),
                new Setting("T 0.7, top_p 0.9", 0.7, 0, 0.9, 0),
                new Setting("T 1.0, min_p 0.05", 1.0, 0, 1.0, 0.05),
                new Setting("T 1.0, no filter", 1.0, 0, 1.0, 0),
                new Setting("T 0.9, top_k 50, top_p 0.95", 0.9, 50, 0.95, 0));

        // warm up every path so the JIT has compiled them before anything is timed
        for (int w = 0; w < 3; w++) {
            greedyMicros(rows, tokens);
            for (Setting s : settings) {
                sampledMicros(rows, tokens, s);
                denseMicros(rows, tokens / 8, s);
            }
        }
        double greedy = median(() -> greedyMicros(rows, tokens));
        System.out.printf("Choosing one token from a %,d-entry logits row (engine thread), median of 5 runs of %d tokens%n%n",
                vocab, tokens);
        System.out.println("| setting | sampler µs/token | × greedy | extra share of a " + (int) stepMs
                + " ms step | dense full-sort reference µs/token | reference / sampler |");
        System.out.println("|---|---|---|---|---|---|");
        System.out.printf("| greedy (argmax) | %.0f | 1.00 | 0 %% | | |%n", greedy);
        for (Setting s : settings) {
            double ours = median(() -> sampledMicros(rows, tokens, s));
            double dense = median(() -> denseMicros(rows, Math.max(1, tokens / 8), s));
            double extraShare = (ours - greedy) / 1000.0 / stepMs * 100;
            System.out.printf("| %s | %.0f | %.2f | %.1f %% | %.0f | %.1f |%n", s.name(), ours, ours / greedy,
                    extraShare, dense, dense / ours);
        }
    }

    /** Rows shaped like a trained model's: a long Gaussian tail and a few strong candidates. */
    private static float[][] rows(int vocab, int count) {
        SplittableRandom random = new SplittableRandom(13);
        float[][] rows = new float[count][vocab];
        for (float[] row : rows) {
            for (int i = 0; i < vocab; i++) {
                row[i] = (float) (random.nextGaussian() * 2.0);
            }
            for (int j = 0; j < 20; j++) {
                row[random.nextInt(vocab)] = (float) (12 + random.nextGaussian() * 2);
            }
        }
        return rows;
    }

    private static volatile int sink;

    private static double greedyMicros(float[][] rows, int tokens) {
        Sampler greedy = new Sampler(params(0, 0, 1.0, 0));
        long start = System.nanoTime();
        for (int t = 0; t < tokens; t++) {
            float[] row = rows[t % rows.length];
            sink += greedy.sample(row, 0, row.length);
        }
        return (System.nanoTime() - start) / 1000.0 / tokens;
    }

    private static double sampledMicros(float[][] rows, int tokens, Setting s) {
        Sampler sampler = new Sampler(params(s.temperature(), s.topK(), s.topP(), s.minP()));
        long start = System.nanoTime();
        for (int t = 0; t < tokens; t++) {
            float[] row = rows[t % rows.length];
            sink += sampler.sample(row, 0, row.length);
        }
        return (System.nanoTime() - start) / 1000.0 / tokens;
    }

    private static double denseMicros(float[][] rows, int tokens, Setting s) {
        long start = System.nanoTime();
        for (int t = 0; t < tokens; t++) {
            float[] row = rows[t % rows.length];
            double[] w = DenseReferenceSampler.weights(row, 0, row.length, s.temperature(), s.topK(), s.topP(), s.minP());
            sink += w == null ? 0 : (int) w[0];
        }
        return (System.nanoTime() - start) / 1000.0 / tokens;
    }

    private static SamplingParams params(double temperature, int topK, double topP, double minP) {
        return new SamplingParams(temperature, topP, topK, minP, 1.0, 1L, 16, List.of(), false);
    }

    private static double median(java.util.function.DoubleSupplier run) {
        double[] xs = new double[5];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = run.getAsDouble();
        }
        java.util.Arrays.sort(xs);
        return xs[xs.length / 2];
    }
}
