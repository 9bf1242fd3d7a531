package dev.slhf.serve.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import dev.slhf.serve.model.ModelLoadException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The input/output contract of an optimum {@code text-generation-with-past} graph, read from the
 * session's metadata. config.json is only consulted for dimensions the graph leaves symbolic:
 * the graph is what actually runs, so it wins (and a disagreement is reported, not guessed).
 */
record GraphSignature(
        boolean hasPositionIds,
        boolean hasLogitsToKeep,
        List<String> pastKeyNames,
        List<String> pastValueNames,
        List<String> presentKeyNames,
        List<String> presentValueNames,
        OnnxJavaType kvType,
        OnnxJavaType logitsType,
        int numKvHeads,
        int headDim,
        int vocabSize) {

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String POSITION_IDS = "position_ids";
    static final String LOGITS = "logits";
    /**
     * Optional scalar int64 input: the graph computes logits for only that many trailing positions
     * (models/tools/add_logits_to_keep.py adds it to any export).
     */
    static final String LOGITS_TO_KEEP = "num_logits_to_keep";
    private static final Pattern PAST = Pattern.compile("past_key_values\\.(\\d+)\\.(key|value)");

    int numLayers() {
        return pastKeyNames.size();
    }

    static GraphSignature read(Path modelFile, Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs,
            Map<String, Object> config) {
        if (inputs.containsKey("use_cache_branch")) {
            throw new ModelLoadException(modelFile, "legacy merged decoder export with a 'use_cache_branch' input is"
                    + " not supported; re-export with a current optimum (optimum-cli export onnx --task"
                    + " text-generation-with-past), which produces a single graph without that input");
        }
        for (String required : List.of(INPUT_IDS, ATTENTION_MASK)) {
            if (!inputs.containsKey(required)) {
                throw new ModelLoadException(modelFile, "graph has no '" + required + "' input (inputs: "
                        + inputs.keySet() + ")");
            }
        }
        if (!outputs.containsKey(LOGITS)) {
            throw new ModelLoadException(modelFile, "graph has no 'logits' output (outputs: " + outputs.keySet() + ")");
        }
        TreeMap<Integer, String[]> layers = new TreeMap<>();
        for (String name : inputs.keySet()) {
            Matcher m = PAST.matcher(name);
            if (m.matches()) {
                layers.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new String[2])[m.group(2).equals("key") ? 0 : 1] = name;
            }
        }
        if (layers.isEmpty()) {
            throw new ModelLoadException(modelFile, "graph has no past_key_values.* inputs: export it with"
                    + " --task text-generation-with-past so that decoding can reuse the KV cache");
        }
        List<String> pk = new ArrayList<>(), pv = new ArrayList<>(), ok = new ArrayList<>(), ov = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            String[] kv = layers.get(i);
            if (kv == null || kv[0] == null || kv[1] == null) {
                throw new ModelLoadException(modelFile, "past_key_values." + i + ".key/value inputs are incomplete");
            }
            String presentKey = "present." + i + ".key", presentValue = "present." + i + ".value";
            if (!outputs.containsKey(presentKey) || !outputs.containsKey(presentValue)) {
                throw new ModelLoadException(modelFile, "graph has past_key_values." + i + " inputs but no "
                        + presentKey + "/" + presentValue + " outputs");
            }
            pk.add(kv[0]);
            pv.add(kv[1]);
            ok.add(presentKey);
            ov.add(presentValue);
        }
        TensorInfo key = tensor(modelFile, inputs.get(pk.get(0)));
        TensorInfo logits = tensor(modelFile, outputs.get(LOGITS));
        OnnxJavaType kvType = floatType(modelFile, pk.get(0), key.type);
        OnnxJavaType logitsType = floatType(modelFile, LOGITS, logits.type);
        long[] ks = key.getShape();
        if (ks.length != 4) {
            throw new ModelLoadException(modelFile, pk.get(0) + " has rank " + ks.length
                    + "; expected [batch, kv_heads, past_length, head_dim]");
        }
        int heads = intConfig(config, "num_attention_heads", "n_head");
        int kvHeads = dimension(modelFile, pk.get(0) + " dim 1", ks[1], intConfig(config, "num_key_value_heads",
                "num_attention_heads", "n_head"));
        int hidden = intConfig(config, "hidden_size", "n_embd");
        int headDimDefault = config.get("head_dim") instanceof Number n ? n.intValue()
                : (heads > 0 && hidden > 0 ? hidden / heads : -1);
        int headDim = dimension(modelFile, pk.get(0) + " dim 3", ks[3], headDimDefault);
        long[] ls = logits.getShape();
        int vocab = dimension(modelFile, "logits dim 2", ls.length == 3 ? ls[2] : -1, intConfig(config, "vocab_size"));
        return new GraphSignature(inputs.containsKey(POSITION_IDS), inputs.containsKey(LOGITS_TO_KEEP), List.copyOf(pk), List.copyOf(pv),
                List.copyOf(ok), List.copyOf(ov), kvType, logitsType, kvHeads, headDim, vocab);
    }

    private static TensorInfo tensor(Path file, NodeInfo info) {
        if (!(info.getInfo() instanceof TensorInfo t)) {
            throw new ModelLoadException(file, info.getName() + " is not a tensor");
        }
        return t;
    }

    private static OnnxJavaType floatType(Path file, String name, OnnxJavaType type) {
        if (type != OnnxJavaType.FLOAT && type != OnnxJavaType.FLOAT16) {
            throw new ModelLoadException(file, name + " has element type " + type + "; only float32 and float16 are supported");
        }
        return type;
    }

    /** A static graph dimension wins; a symbolic one falls back to config.json. */
    private static int dimension(Path file, String what, long fromGraph, int fromConfig) {
        if (fromGraph > 0) {
            if (fromConfig > 0 && fromConfig != fromGraph && !what.startsWith("logits")) {
                throw new ModelLoadException(file, what + " is " + fromGraph + " in the graph but config.json says "
                        + fromConfig);
            }
            return (int) fromGraph;
        }
        if (fromConfig <= 0) {
            throw new ModelLoadException(file, what + " is symbolic in the graph and config.json does not give it");
        }
        return fromConfig;
    }

    private static int intConfig(Map<String, Object> config, String... keys) {
        for (String k : keys) {
            if (config.get(k) instanceof Number n) {
                return n.intValue();
            }
        }
        return -1;
    }
}
