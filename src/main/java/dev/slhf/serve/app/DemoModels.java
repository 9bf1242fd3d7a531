package dev.slhf.serve.app;

import dev.slhf.serve.engine.EngineMetrics;
import dev.slhf.serve.engine.EngineSettings;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.model.ModelLoadException;
import dev.slhf.serve.model.onnx.OnnxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The models served when no {@code slhf.models.*} is configured: {@code slhf-tiny} (leader and
 * follower) plus every other model directory under {@code models/demo} (relative to the working
 * directory), such as the other-family leader. Configuring any model replaces them all, so
 * {@code java -Dslhf.models.m.path=DIR ... -jar} loads exactly {@code m}.
 */
final class DemoModels {

    static final String SLHF_TINY = "slhf-tiny";
    static final Path ROOT = Path.of("models/demo");

    private DemoModels() {}

    static Map<String, LoadedModel> load(Function<String, EngineMetrics> metrics, SlhfConfig.Limits limits) {
        EngineSettings settings = ModelLoader.withLimits(EngineSettings.defaults(), limits);
        List<String> names = new ArrayList<>(List.of(SLHF_TINY)); // always attempted: a missing one fails with its path
        if (Files.isDirectory(ROOT)) {
            try (Stream<Path> dirs = Files.list(ROOT)) {
                dirs.filter(d -> Files.isRegularFile(d.resolve("model.onnx"))).map(d -> d.getFileName().toString())
                        .filter(n -> !n.equals(SLHF_TINY)).sorted().forEach(names::add);
            } catch (IOException e) {
                throw new ModelLoadException(ROOT, "cannot list the demo models", e);
            }
        }
        Map<String, LoadedModel> out = new LinkedHashMap<>();
        try {
            for (String name : names) {
                out.put(name, ModelLoader.load(name, ROOT.resolve(name), OnnxOptions.defaults(),
                        settings, metrics.apply(name)));
            }
        } catch (RuntimeException e) {
            out.values().forEach(LoadedModel::close);
            throw e;
        }
        return out;
    }
}
