package dev.slhf.serve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slhf.serve.golden.Fixture;
import dev.slhf.serve.model.ForwardBatch;
import dev.slhf.serve.model.ForwardResult;
import dev.slhf.serve.model.KvCache;
import dev.slhf.serve.model.ModelDirectory;
import org.junit.jupiter.api.Test;

/**
 * An export rewritten by models/tools/add_logits_to_keep.py (tiny-qwen-keep) is fed
 * num_logits_to_keep and returns the same logits for the kept positions as the plain export, for
 * a prefill (1 position), a verify-shaped pass (k + 1 positions) and the decode step after it;
 * the plain export would fail to run without that input, so this also proves it was detected.
 */
class LogitsToKeepTest {

    @Test
    void keptLogitsEqualThePlainExport() {
        int[] prompt = new int[90];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = 3 + (i * 37) % 500;
        }
        try (OnnxCausalLm plain = load("tiny-qwen"); OnnxCausalLm keep = load("tiny-qwen-keep")) {
            int vocab = plain.spec().vocabSize();
            for (int m : new int[] {1, 5, 90}) {
                ForwardBatch batch = new ForwardBatch(1, prompt.length, longs(prompt),
                        ones(prompt.length), positions(prompt.length), m);
                try (KvCache p0 = plain.emptyCache(1); KvCache k0 = keep.emptyCache(1)) {
                    ForwardResult a = plain.forward(batch, p0);
                    ForwardResult b = keep.forward(batch, k0);
                    try (KvCache pa = a.cache(); KvCache kb = b.cache()) {
                        assertEquals(m * vocab, b.logits().length);
                        assertClose(a.logits(), b.logits(), "m=" + m);
                        ForwardBatch step = ForwardBatch.single(new int[] {42}, 0, 1, prompt.length);
                        ForwardResult c = plain.forward(step, pa);
                        ForwardResult d = keep.forward(step, kb);
                        c.cache().close();
                        d.cache().close();
                        assertClose(c.logits(), d.logits(), "decode after m=" + m);
                    }
                }
            }
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4f, what + " at " + i);
        }
    }

    private static OnnxCausalLm load(String name) {
        return OnnxCausalLm.load(ModelDirectory.read(name, Fixture.model(name)), new OnnxOptions(1, 1));
    }

    private static long[] longs(int[] xs) {
        long[] out = new long[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = xs[i];
        }
        return out;
    }

    private static long[] ones(int n) {
        long[] out = new long[n];
        java.util.Arrays.fill(out, 1);
        return out;
    }

    private static long[] positions(int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }
}
