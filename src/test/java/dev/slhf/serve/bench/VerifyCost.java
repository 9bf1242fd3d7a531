package dev.slhf.serve.bench;

import dev.slhf.serve.model.ForwardBatch;
import dev.slhf.serve.model.KvCache;
import dev.slhf.serve.model.ModelDirectory;
import dev.slhf.serve.model.onnx.OnnxCausalLm;
import dev.slhf.serve.model.onnx.OnnxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The cost of one speculative verify pass of k proposals per row (k + 1 positions, logits for
 * all of them) relative to a one-token decode step, through the ONNX adapter at past length 128,
 * batch 1 and 8: the price a proposal pays whether or not it is accepted. On a memory-bound
 * accelerator this ratio stays near 1; on a CPU running a small model it grows with k.
 */
final class VerifyCost {

    private VerifyCost() {}

    public static void main(String[] args) throws Exception {
        int threads = DecodeBenchmark.intArg(args, "--threads", Runtime.getRuntime().availableProcessors());
        Path bench = Path.of("models/build/bench-25m");
        Path dir = Files.isDirectory(bench) ? bench : RefinementBenchmark.DEMO;
        System.out.printf("Verify pass of k tokens per row / one-token decode step, %s, past length 128, %d intra-op"
                + " threads, median of 15%n%n", dir.getFileName(), threads);
        StringBuilder header = new StringBuilder("| batch | 1-token step ms |"), rule = new StringBuilder("|---|---|");
        for (int k = 1; k <= 8; k++) {
            header.append(" k=").append(k).append(" |");
            rule.append("---|");
        }
        System.out.println(header);
        System.out.println(rule);
        try (OnnxCausalLm lm = OnnxCausalLm.load(ModelDirectory.read("bench", dir), new OnnxOptions(threads, 1))) {
            for (int b : new int[] {1, 8}) {
                try (KvCache past = prefill(lm, b, 128)) {
                    double one = seconds(lm, past, b, 1);
                    StringBuilder row = new StringBuilder(String.format("| %d | %.2f |", b, one * 1e3));
                    for (int k = 1; k <= 8; k++) {
                        row.append(String.format(" %.2fx |", seconds(lm, past, b, k + 1) / one));
                    }
                    System.out.println(row);
                }
            }
        }
    }

    private static KvCache prefill(OnnxCausalLm lm, int b, int past) {
        long[] ids = new long[b * past], pos = new long[b * past], mask = new long[b * past];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1 + i % 200;
            pos[i] = i % past;
            mask[i] = 1;
        }
        try (KvCache empty = lm.emptyCache(b)) {
            return lm.forward(new ForwardBatch(b, past, ids, mask, pos), empty).cache();
        }
    }

    /** Median seconds of one pass of {@code width} positions (all with logits) after {@code past}. */
    private static double seconds(OnnxCausalLm lm, KvCache past, int b, int width) {
        long[] ids = new long[b * width], pos = new long[b * width], mask = new long[b * (past.length() + width)];
        Arrays.fill(ids, 7);
        for (int i = 0; i < pos.length; i++) {
            pos[i] = past.length() + i % width;
        }
        Arrays.fill(mask, 1);
        List<Double> times = new ArrayList<>();
        for (int r = 0; r < 18; r++) {
            long t0 = System.nanoTime();
            lm.forward(new ForwardBatch(b, width, ids, mask, pos, width), past).cache().close();
            if (r >= 3) { // warm-up
                times.add((System.nanoTime() - t0) / 1e9);
            }
        }
        return ThroughputBenchmark.median(times);
    }
}
