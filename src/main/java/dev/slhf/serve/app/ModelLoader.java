package dev.slhf.serve.app;

import dev.slhf.serve.engine.EngineLoop;
import dev.slhf.serve.engine.EngineMetrics;
import dev.slhf.serve.engine.EngineSettings;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.model.ModelDirectory;
import dev.slhf.serve.model.ModelLoadException;
import dev.slhf.serve.model.ModelManifest;
import dev.slhf.serve.model.Tokenizer;
import dev.slhf.serve.model.onnx.OnnxCausalLm;
import dev.slhf.serve.model.onnx.OnnxOptions;
import dev.slhf.serve.model.template.ChatTemplate;
import dev.slhf.serve.model.tokenizer.HfTokenizer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/** Assembles a {@link LoadedModel} from a directory: the one place that picks the implementations. */
public final class ModelLoader {

    private static final Logger LOG = Logger.getLogger(ModelLoader.class);

    private ModelLoader() {}

    public static LoadedModel load(String name, SlhfConfig.ModelConfig config, SlhfConfig.Limits limits,
            EngineMetrics metrics) {
        OnnxOptions.Device device;
        try {
            device = OnnxOptions.device(config.device());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("slhf.models." + name + ".device: " + e.getMessage());
        }
        long prefixCacheBytes = config.prefixCacheBytes().asLongValue();
        if (prefixCacheBytes < 0) {
            throw new IllegalStateException("slhf.models." + name + ".prefix-cache-bytes must be >= 0 (0 turns it off)");
        }
        return load(name, Path.of(config.path().orElseThrow()), config.variant(),
                new OnnxOptions(config.intraOpThreads().orElse(0), config.interOpThreads(), device, config.deviceId()),
                withLimits(new EngineSettings(config.maxBatchSize(), config.maxWaiting(), config.maxBatchTokens())
                        .withPrefixCacheBytes(prefixCacheBytes)
                        .withSpeculativeTokens(speculativeTokens(name, config.speculativeTokens())), limits), metrics);
    }

    private static int speculativeTokens(String name, int k) {
        if (k < 0 || k > EngineSettings.MAX_SPECULATIVE_TOKENS) {
            throw new IllegalStateException("slhf.models." + name + ".speculative-tokens must be in [0, "
                    + EngineSettings.MAX_SPECULATIVE_TOKENS + "] (0: off), got " + k);
        }
        return k;
    }

    /** {@code slhf.limits.*} token limits (unset: 0, i.e. up to the context) on top of a model's scheduling settings. */
    static EngineSettings withLimits(EngineSettings settings, SlhfConfig.Limits limits) {
        return settings.withTokenLimits(limits.maxPromptTokens().orElse(0), limits.maxTokens().orElse(0));
    }

    public static LoadedModel load(String name, Path directory, OnnxOptions onnx, EngineSettings settings) {
        return load(name, directory, onnx, settings, EngineMetrics.NONE);
    }

    public static LoadedModel load(String name, Path directory, OnnxOptions onnx, EngineSettings settings,
            EngineMetrics metrics) {
        return load(name, directory, Optional.empty(), onnx, settings, metrics);
    }

    /** @param variant which weights of the directory ({@code q4}, {@code fp16}, a file name); empty: model.onnx */
    public static LoadedModel load(String name, Path directory, Optional<String> variant, OnnxOptions onnx,
            EngineSettings settings, EngineMetrics metrics) {
        long t0 = System.nanoTime();
        ModelManifest manifest = ModelDirectory.read(name, directory, variant);
        Tokenizer tokenizer = HfTokenizer.load(manifest.tokenizerFile(), manifest.decodeOptions());
        OnnxCausalLm lm;
        try {
            lm = OnnxCausalLm.load(manifest, onnx);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
        Optional<ChatTemplate> template;
        try {
            template = manifest.chatTemplate().map(source -> new ChatTemplate(source,
                    manifest.specialTokens().get("bos_token"), manifest.specialTokens().get("eos_token"),
                    templateGlobals(manifest)));
        } catch (RuntimeException e) {
            lm.close();
            tokenizer.close();
            throw new ModelLoadException(directory.resolve(ModelDirectory.TOKENIZER_CONFIG_FILE),
                    "chat_template cannot be parsed", e);
        }
        Set<Integer> stops = new HashSet<>(manifest.stopTokenIds());
        if (stops.isEmpty()) {
            // No eos in generation_config/config: fall back to the tokenizer's declared eos token.
            String eos = manifest.specialTokens().get("eos_token");
            if (eos != null) {
                tokenizer.specialTokenId(eos).ifPresent(stops::add);
            }
        }
        EngineLoop engine = new EngineLoop(name, lm, tokenizer, stops, manifest.contextLength(), settings, metrics);
        LOG.infof("Loaded model '%s' from %s (%s) in %d ms: %s, %d layers, %d KV heads x %d, vocab %d, context %d,"
                        + " KV %s, position_ids %s, provider %s", name, directory, directory.relativize(manifest.modelFile()),
                (System.nanoTime() - t0) / 1_000_000,
                manifest.modelType(), lm.spec().numLayers(), lm.spec().numKvHeads(), lm.spec().headDim(),
                lm.spec().vocabSize(), manifest.contextLength(), lm.spec().kvType(),
                lm.spec().usesPositionIds() ? "input" : "derived", lm.spec().provider());
        return new LoadedModel(manifest, lm.spec(), tokenizer, template, engine);
    }

    private static Map<String, Object> templateGlobals(ModelManifest manifest) {
        Map<String, Object> globals = new HashMap<>(manifest.specialTokens());
        return globals;
    }
}
