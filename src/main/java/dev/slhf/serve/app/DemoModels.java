package dev.slhf.serve.app;

import dev.slhf.serve.engine.EngineMetrics;
import dev.slhf.serve.engine.EngineSettings;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.model.onnx.OnnxOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The models served when no {@code slhf.models.*} is configured: the bundled demo directories
 * under {@code models/demo} (relative to the working directory). Configuring any model replaces
 * them all, so {@code java -Dslhf.models.m.path=DIR ... -jar} loads exactly {@code m}.
 */
final class DemoModels {

    static final String SLHF_TINY = "slhf-tiny";
    static final Path ROOT = Path.of("models/demo");

    private DemoModels() {}

    static Map<String, LoadedModel> load(java.util.function.Function<String, EngineMetrics> metrics) {
        Map<String, LoadedModel> out = new LinkedHashMap<>();
        Path main = ROOT.resolve(SLHF_TINY);
        // Always attempted, so a missing demo directory fails start-up with its path in the message.
        out.put(SLHF_TINY, ModelLoader.load(SLHF_TINY, main, OnnxOptions.defaults(), EngineSettings.defaults(),
                metrics.apply(SLHF_TINY)));
        return out;
    }

}
