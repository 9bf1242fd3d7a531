package dev.slhf.serve.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The baseline: the shortest correct greedy loop one writes with ONNX Runtime Java by hand
 * (fp32, position_ids graphs). No scheduler, no detokenizer, no threads: just run, argmax, feed
 * {@code present.*} back as {@code past_key_values.*}.
 */
final class BareOrtGreedyLoop implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final int layers, kvHeads, headDim;

    BareOrtGreedyLoop(Path modelDir, int threads, int layers, int kvHeads, int headDim) throws OrtException {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(threads);
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(modelDir.resolve("model.onnx").toString(), so);
        }
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
    }

    /** Returns {decode seconds, tokens generated}; the first token comes from prefill and is not timed. */
    double[] run(int[] prompt, int newTokens) throws OrtException {
        Map<String, OnnxTensor> past = new HashMap<>();
        for (int i = 0; i < layers; i++) {
            for (String kv : new String[] {"key", "value"}) {
                past.put("past_key_values." + i + "." + kv,
                        OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[] {1, kvHeads, 0, headDim}));
            }
        }
        OrtSession.Result previous = null;
        long[] ids = new long[prompt.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = prompt[i];
        }
        int pastLength = 0;
        long decodeStart = 0;
        try {
            for (int step = 0; step < newTokens; step++) {
                if (step == 1) {
                    decodeStart = System.nanoTime();
                }
                int n = ids.length;
                long[] mask = new long[pastLength + n];
                java.util.Arrays.fill(mask, 1);
                long[] pos = new long[n];
                for (int i = 0; i < n; i++) {
                    pos[i] = pastLength + i;
                }
                Map<String, OnnxTensor> inputs = new HashMap<>(past);
                try (OnnxTensor idT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, n});
                        OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, mask.length});
                        OnnxTensor posT = OnnxTensor.createTensor(env, LongBuffer.wrap(pos), new long[] {1, n})) {
                    inputs.put("input_ids", idT);
                    inputs.put("attention_mask", maskT);
                    inputs.put("position_ids", posT);
                    OrtSession.Result result = session.run(inputs);
                    FloatBuffer logits = ((OnnxTensor) result.get("logits").get()).getFloatBuffer();
                    int vocab = logits.capacity() / n;
                    int best = 0;
                    float bestValue = Float.NEGATIVE_INFINITY;
                    for (int v = 0; v < vocab; v++) {
                        float x = logits.get((n - 1) * vocab + v);
                        if (x > bestValue) {
                            bestValue = x;
                            best = v;
                        }
                    }
                    if (previous != null) {
                        previous.close();
                    } else {
                        past.values().forEach(OnnxTensor::close);
                    }
                    previous = result;
                    for (int i = 0; i < layers; i++) {
                        for (String kv : new String[] {"key", "value"}) {
                            OnnxValue present = result.get("present." + i + "." + kv).get();
                            past.put("past_key_values." + i + "." + kv, (OnnxTensor) present);
                        }
                    }
                    pastLength += n;
                    ids = new long[] {best};
                }
            }
        } finally {
            if (previous != null) {
                previous.close();
            } else {
                past.values().forEach(OnnxTensor::close);
            }
        }
        return new double[] {(System.nanoTime() - decodeStart) / 1e9, newTokens - 1};
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
