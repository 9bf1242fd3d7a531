package dev.slhf.serve.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slhf.serve.app.ModelLoader;
import dev.slhf.serve.engine.EngineSettings;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.model.onnx.OnnxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The committed fixture models and their PyTorch references (models/tools/make_test_model.py). */
public final class Fixture {

    public static final Path ROOT = Path.of("src/test/resources/fixture");

    private Fixture() {}

    public static Path model(String name) {
        return ROOT.resolve(name);
    }

    public static JsonNode golden() {
        try {
            return new ObjectMapper().readTree(ROOT.resolve("golden.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static LoadedModel load(String name, EngineSettings settings) {
        return ModelLoader.load(name, model(name), new OnnxOptions(2, 1), settings);
    }

    public static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
