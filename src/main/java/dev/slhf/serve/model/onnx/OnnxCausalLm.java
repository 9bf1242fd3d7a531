package dev.slhf.serve.model.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.platform.Fp16Conversions;
import dev.slhf.serve.model.CausalLm;
import dev.slhf.serve.model.ForwardBatch;
import dev.slhf.serve.model.ForwardResult;
import dev.slhf.serve.model.KvCache;
import dev.slhf.serve.model.LmSpec;
import dev.slhf.serve.model.ModelLoadException;
import dev.slhf.serve.model.ModelManifest;
import dev.slhf.serve.model.ModelRuntimeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link CausalLm} over an ONNX Runtime session of an optimum {@code text-generation-with-past}
 * export. The only class family that touches {@code ai.onnxruntime}.
 *
 * <p>Logits are a pinned output: ORT writes them into a direct buffer this adapter owns and
 * reuses, so a step copies only the rows it was asked for (the last position, or the last k + 1
 * of a speculative verify pass) instead of the whole {@code [batch, seq, vocab]} tensor. KV
 * tensors are never copied on the decode path.
 */
public final class OnnxCausalLm implements CausalLm {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final GraphSignature graph;
    private final LmSpec spec;
    private final Set<String> requestedOutputs;
    private ByteBuffer logitsScratch = ByteBuffer.allocateDirect(0);
    private OnnxTensor pinnedLogits;
    private final int[] pinnedShape = new int[2];
    private final ByteBuffer[] inputScratch = {ByteBuffer.allocateDirect(0), ByteBuffer.allocateDirect(0),
        ByteBuffer.allocateDirect(0)};

    private OnnxCausalLm(OrtEnvironment env, OrtSession session, GraphSignature graph, LmSpec spec) {
        this.env = env;
        this.session = session;
        this.graph = graph;
        this.spec = spec;
        Set<String> outputs = new LinkedHashSet<>();
        for (int i = 0; i < graph.numLayers(); i++) {
            outputs.add(graph.presentKeyNames().get(i));
            outputs.add(graph.presentValueNames().get(i));
        }
        this.requestedOutputs = Set.copyOf(outputs);
    }

    public static OnnxCausalLm load(ModelManifest manifest, OnnxOptions options) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(options.effectiveIntraOpThreads());
            so.setInterOpNumThreads(Math.max(1, options.interOpThreads()));
            so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            String provider = executionProvider(env, so, options, manifest);
            // Loading by path (not bytes) lets ORT find external data (model.onnx_data) next to it.
            session = env.createSession(manifest.modelFile().toString(), so);
            GraphSignature graph = GraphSignature.read(manifest.modelFile(), session.getInputInfo(),
                    session.getOutputInfo(), manifest.config());
            LmSpec spec = new LmSpec(graph.vocabSize(), graph.numLayers(), graph.numKvHeads(), graph.headDim(),
                    graph.hasPositionIds(), graph.kvType() == OnnxJavaType.FLOAT16 ? "float16" : "float32", provider);
            return new OnnxCausalLm(env, session, graph, spec);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new ModelLoadException(manifest.modelFile(), "ONNX Runtime cannot load it" + hint(e), e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /**
     * ONNX Runtime refuses external data whose real path is neither beside the model file nor
     * beside the file a symlinked model file points to (a guard against graphs reading arbitrary
     * files). Its message names the initializer, not the way out, so that is added here.
     */
    private static String hint(OrtException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("escapes")) {
            return "; its external data resolves outside the model file's folder (and outside the folder of the file"
                    + " a symlinked model file points to), which ONNX Runtime refuses: put the data files, or links"
                    + " to them, where the graph's real path is, as the Hugging Face cache does (snapshots link into"
                    + " one blobs/ folder)";
        }
        return "";
    }

    /**
     * Registers the requested execution provider. CUDA must be really available: silently falling
     * back to the CPU would serve at a fraction of the expected speed with nothing in the logs to
     * say why, so asking for CUDA on a CPU-only build stops the load with the way out.
     */
    private static String executionProvider(OrtEnvironment env, OrtSession.SessionOptions so, OnnxOptions options,
            ModelManifest manifest) throws OrtException {
        if (options.device() == OnnxOptions.Device.CPU) {
            return "CPUExecutionProvider";
        }
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            throw new ModelLoadException(manifest.modelFile(), "device=cuda was requested, but this ONNX Runtime build"
                    + " has no CUDA execution provider (available: " + OrtEnvironment.getAvailableProviders()
                    + "). Build with ./mvnw -Pcuda (com.microsoft.onnxruntime:onnxruntime_gpu) and run on a machine with"
                    + " an NVIDIA GPU, CUDA 12 and cuDNN 9, or set device=cpu");
        }
        try {
            so.addCUDA(options.deviceId());
        } catch (OrtException e) {
            throw new ModelLoadException(manifest.modelFile(), "device=cuda: ONNX Runtime's CUDA provider failed to start"
                    + " on device " + options.deviceId() + " (needs an NVIDIA GPU visible to this process, CUDA 12 and"
                    + " cuDNN 9 libraries on the library path): " + e.getMessage(), e);
        }
        return "CUDAExecutionProvider:" + options.deviceId();
    }

    @Override
    public LmSpec spec() {
        return spec;
    }

    @Override
    public KvCache emptyCache(int batchSize) {
        List<OnnxTensor> created = new ArrayList<>();
        try {
            long[] shape = {batchSize, spec.numKvHeads(), 0, spec.headDim()};
            List<OnnxTensor> keys = new ArrayList<>(), values = new ArrayList<>();
            for (int i = 0; i < spec.numLayers(); i++) {
                keys.add(track(created, emptyTensor(shape)));
                values.add(track(created, emptyTensor(shape)));
            }
            List<OnnxTensor> owned = List.copyOf(created);
            return new OnnxKvCache(keys, values, batchSize, 0, () -> owned.forEach(OnnxTensor::close));
        } catch (OrtException e) {
            created.forEach(OnnxTensor::close);
            throw new ModelRuntimeException("cannot allocate an empty KV cache", e);
        }
    }

    private OnnxTensor emptyTensor(long[] shape) throws OrtException {
        ByteBuffer none = ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder());
        return OnnxTensor.createTensor(env, none, shape, graph.kvType());
    }

    @Override
    public ForwardResult forward(ForwardBatch batch, KvCache past) {
        OnnxKvCache cache = (OnnxKvCache) past;
        int b = batch.batchSize(), s = batch.seqLen(), total = batch.totalLength();
        if (cache.batchSize() != b || cache.length() + s != total) {
            throw new IllegalArgumentException("batch does not continue the cache: cache " + cache.batchSize() + "x"
                    + cache.length() + ", batch " + b + "x" + s + " over " + total + " positions");
        }
        List<OnnxTensor> created = new ArrayList<>(4);
        OrtSession.Result result = null;
        try {
            Map<String, OnnxTensorLike> inputs = new HashMap<>();
            inputs.put(GraphSignature.INPUT_IDS, track(created, longTensor(0, batch.inputIds(), b, s)));
            inputs.put(GraphSignature.ATTENTION_MASK, track(created, longTensor(1, batch.attentionMask(), b, total)));
            if (graph.hasPositionIds()) {
                inputs.put(GraphSignature.POSITION_IDS, track(created, longTensor(2, batch.positionIds(), b, s)));
            }
            for (int i = 0; i < spec.numLayers(); i++) {
                inputs.put(graph.pastKeyNames().get(i), cache.key(i));
                inputs.put(graph.pastValueNames().get(i), cache.value(i));
            }
            int m = batch.logitPositions();
            // with num_logits_to_keep the graph projects only the m positions read below: the
            // logits buffer is b x m x vocab whatever the prefill chunk's length
            int computed = s;
            if (graph.hasLogitsToKeep()) {
                inputs.put(GraphSignature.LOGITS_TO_KEEP, track(created, OnnxTensor.createTensor(env, (long) m)));
                computed = m;
            }
            result = session.run(inputs, requestedOutputs, Map.of(GraphSignature.LOGITS, pinnedLogits(b, computed)));
            float[] last = lastRows(b, computed, m);
            KvCache next = presentCache(result, b, total);
            result = null; // ownership moved to the cache
            return new ForwardResult(last, m, next);
        } catch (OrtException e) {
            throw new ModelRuntimeException("ONNX Runtime failed during a forward pass: " + e.getMessage(), e);
        } finally {
            if (result != null) {
                result.close();
            }
            created.forEach(OnnxTensor::close);
        }
    }

    @Override
    public KvCache gatherPositions(List<KvCache> sources, int[] rows, int[][] positions, int length) {
        int b = sources.size();
        int heads = spec.numKvHeads(), dim = spec.headDim();
        int elem = graph.kvType() == OnnxJavaType.FLOAT16 ? 2 : 4;
        int positionBytes = dim * elem;
        for (int i = 0; i < b; i++) {
            int[] p = positions[i];
            // a source may be null where it gives no positions (a prefix-cache miss in a batched prefill)
            if (p.length > length || (p.length > 0 && (p[0] < 0 || p[p.length - 1] >= sources.get(i).length()))) {
                throw new IllegalArgumentException("cannot keep " + p.length + " positions of "
                        + sources.get(i).length() + " in " + length);
            }
        }
        List<OnnxTensor> created = new ArrayList<>(2 * spec.numLayers());
        try {
            List<OnnxTensor> keys = new ArrayList<>(), values = new ArrayList<>();
            for (int layer = 0; layer < spec.numLayers(); layer++) {
                for (int kv = 0; kv < 2; kv++) {
                    ByteBuffer out = ByteBuffer.allocateDirect(b * heads * length * positionBytes)
                            .order(ByteOrder.nativeOrder());
                    // One host copy per distinct source tensor, however many rows come from it.
                    Map<OnnxTensor, ByteBuffer> copies = new HashMap<>();
                    for (int i = 0; i < b; i++) {
                        if (positions[i].length == 0) {
                            continue;
                        }
                        OnnxKvCache src = (OnnxKvCache) sources.get(i);
                        OnnxTensor t = kv == 0 ? src.key(layer) : src.value(layer);
                        copyRow(copies.computeIfAbsent(t, OnnxTensor::getByteBuffer), src.length(), rows[i],
                                positions[i], out, i, length, heads, positionBytes);
                    }
                    OnnxTensor tensor = track(created, OnnxTensor.createTensor(env, out,
                            new long[] {b, heads, length, dim}, graph.kvType()));
                    (kv == 0 ? keys : values).add(tensor);
                }
            }
            List<OnnxTensor> owned = List.copyOf(created);
            return new OnnxKvCache(keys, values, b, length, () -> owned.forEach(OnnxTensor::close));
        } catch (OrtException e) {
            created.forEach(OnnxTensor::close);
            throw new ModelRuntimeException("cannot re-pack the KV cache: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            created.forEach(OnnxTensor::close);
            throw e;
        }
    }

    /** Copies the kept positions of one source row, one bulk copy per contiguous run of them. */
    private static void copyRow(ByteBuffer in, int srcLength, int srcRow, int[] keep, ByteBuffer out, int outRow,
            int length, int heads, int positionBytes) {
        int pad = length - keep.length;
        for (int start = 0; start < keep.length; ) {
            int end = start + 1;
            while (end < keep.length && keep[end] == keep[end - 1] + 1) {
                end++;
            }
            int run = end - start;
            for (int h = 0; h < heads; h++) {
                int from = ((srcRow * heads + h) * srcLength + keep[start]) * positionBytes;
                int to = ((outRow * heads + h) * length + pad + start) * positionBytes;
                out.put(to, in, from, run * positionBytes);
            }
            start = end;
        }
    }

    /**
     * An int64 input tensor over reusable native memory: a heap array would make ORT Java allocate
     * a fresh direct buffer per tensor per step. {@code slot} picks one of the three input buffers.
     */
    private OnnxTensor longTensor(int slot, long[] data, int rows, int cols) throws OrtException {
        int bytes = data.length * Long.BYTES;
        if (inputScratch[slot].capacity() < bytes) {
            inputScratch[slot] = ByteBuffer.allocateDirect(Math.max(bytes, 2 * inputScratch[slot].capacity()))
                    .order(ByteOrder.nativeOrder());
        }
        ByteBuffer view = inputScratch[slot].duplicate().order(ByteOrder.nativeOrder());
        view.clear().limit(bytes);
        view = view.slice().order(ByteOrder.nativeOrder());
        view.asLongBuffer().put(data);
        return OnnxTensor.createTensor(env, view, new long[] {rows, cols}, OnnxJavaType.INT64);
    }

    /**
     * A view over the reusable scratch buffer shaped as this step's logits. The tensor itself is
     * kept while the shape repeats (every decode step of an unchanged batch).
     */
    private OnnxTensor pinnedLogits(int b, int s) throws OrtException {
        if (pinnedLogits != null && pinnedShape[0] == b && pinnedShape[1] == s) {
            return pinnedLogits;
        }
        if (pinnedLogits != null) {
            pinnedLogits.close();
            pinnedLogits = null;
        }
        int elem = graph.logitsType() == OnnxJavaType.FLOAT16 ? 2 : 4;
        long bytes = (long) b * s * spec.vocabSize() * elem;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("logits of " + b + "x" + s + " positions exceed 2 GiB; chunk the prefill");
        }
        if (logitsScratch.capacity() < bytes) {
            logitsScratch = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        }
        ByteBuffer view = logitsScratch.duplicate().order(ByteOrder.nativeOrder());
        view.clear().limit((int) bytes);
        view = view.slice().order(ByteOrder.nativeOrder());
        long[] shape = {b, s, spec.vocabSize()};
        pinnedLogits = OnnxTensor.createTensor(env, view, shape, graph.logitsType());
        pinnedShape[0] = b;
        pinnedShape[1] = s;
        return pinnedLogits;
    }

    /** Widens the last {@code m} positions of each row out of the pinned buffer; nothing else is read. */
    private float[] lastRows(int b, int s, int m) {
        int v = spec.vocabSize();
        float[] out = new float[b * m * v];
        if (graph.logitsType() == OnnxJavaType.FLOAT16) {
            ShortBuffer half = logitsScratch.duplicate().order(ByteOrder.nativeOrder()).asShortBuffer();
            for (int row = 0; row < b; row++) {
                int from = ((row * s) + s - m) * v, to = row * m * v;
                for (int j = 0; j < m * v; j++) {
                    out[to + j] = Fp16Conversions.fp16ToFloat(half.get(from + j));
                }
            }
        } else {
            FloatBuffer floats = logitsScratch.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (int row = 0; row < b; row++) {
                floats.position(((row * s) + s - m) * v);
                floats.get(out, row * m * v, m * v);
            }
        }
        return out;
    }

    private KvCache presentCache(OrtSession.Result result, int b, int total) {
        List<OnnxTensor> keys = new ArrayList<>(spec.numLayers()), values = new ArrayList<>(spec.numLayers());
        for (int i = 0; i < spec.numLayers(); i++) {
            keys.add(present(result, graph.presentKeyNames().get(i)));
            values.add(present(result, graph.presentValueNames().get(i)));
        }
        return new OnnxKvCache(keys, values, b, total, result);
    }

    private static OnnxTensor present(OrtSession.Result result, String name) {
        OnnxValue value = result.get(name).orElseThrow(() -> new IllegalStateException("missing output " + name));
        return (OnnxTensor) value;
    }

    private static OnnxTensor track(List<OnnxTensor> created, OnnxTensor t) {
        created.add(t);
        return t;
    }

    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // already failing; the load error is what matters
            }
        }
    }

    @Override
    public void close() {
        if (pinnedLogits != null) {
            pinnedLogits.close();
            pinnedLogits = null;
        }
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX session failed", e);
        }
    }
}
