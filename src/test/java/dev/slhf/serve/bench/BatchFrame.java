package dev.slhf.serve.bench;

import dev.slhf.serve.model.ForwardBatch;
import dev.slhf.serve.model.ForwardResult;
import dev.slhf.serve.model.KvCache;
import dev.slhf.serve.model.ModelDirectory;
import dev.slhf.serve.model.onnx.OnnxCausalLm;
import dev.slhf.serve.model.onnx.OnnxOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The physical frame for batching: tokens/s of one batched decode step at past length 64 through
 * the ONNX adapter alone (no scheduler, no sampling), for each batch size. The scheduler's
 * aggregate throughput is judged against this, measured in the same run.
 */
final class BatchFrame {

    private BatchFrame() {}

    static Map<Integer, Double> measure(Path dir, int threads, int[] batchSizes, int steps) {
        Map<Integer, Double> out = new LinkedHashMap<>();
        try (OnnxCausalLm lm = OnnxCausalLm.load(ModelDirectory.read("frame", dir), new OnnxOptions(threads, 1))) {
            for (int b : batchSizes) {
                run(lm, b, 3); // warm-up
                List<Double> rates = new ArrayList<>();
                for (int r = 0; r < 3; r++) {
                    rates.add(b * steps / run(lm, b, steps));
                }
                out.put(b, ThroughputBenchmark.median(rates));
            }
        }
        return out;
    }

    /** Seconds for {@code steps} decode steps of batch {@code b} starting at past length 64. */
    private static double run(OnnxCausalLm lm, int b, int steps) {
        int past = 64;
        long[] ids = new long[b * past], pos = new long[b * past], mask = new long[b * past];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1 + i % 200;
            pos[i] = i % past;
            mask[i] = 1;
        }
        KvCache cache;
        try (KvCache empty = lm.emptyCache(b)) {
            cache = lm.forward(new ForwardBatch(b, past, ids, mask, pos), empty).cache();
        }
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            long[] one = new long[b], p = new long[b], m = new long[b * (cache.length() + 1)];
            Arrays.fill(one, 7);
            Arrays.fill(p, cache.length());
            Arrays.fill(m, 1);
            ForwardResult out = lm.forward(new ForwardBatch(b, 1, one, m, p), cache);
            cache.close();
            cache = out.cache();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        cache.close();
        return seconds;
    }
}
