package dev.slhf.serve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slhf.serve.app.ModelLoader;
import dev.slhf.serve.engine.EngineSettings;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.model.onnx.OnnxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up validation of model directories: every failure names the file and the problem. */
class ModelLoadingTest {

    private static final Path FIXTURE = Path.of("src/test/resources/fixture");

    @TempDir
    Path tmp;

    private Path copyOf(String model) throws IOException {
        Path dir = tmp.resolve(model);
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(FIXTURE.resolve(model))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    private static LoadedModel load(Path dir) {
        return ModelLoader.load("m", dir, new OnnxOptions(1, 1), EngineSettings.defaults());
    }

    private static String failure(Path dir) {
        return assertThrows(ModelLoadException.class, () -> load(dir).close()).getMessage();
    }

    @Test
    void readsShapesFromTheGraph() {
        try (LoadedModel m = load(FIXTURE.resolve("tiny-qwen"))) {
            LmSpec s = m.spec();
            assertEquals(512, s.vocabSize());
            assertEquals(2, s.numLayers());
            assertEquals(2, s.numKvHeads(), "grouped-query attention: 2 KV heads for 4 query heads");
            assertEquals(16, s.headDim());
            assertTrue(s.usesPositionIds());
            assertEquals("float32", s.kvType());
            assertEquals(1024, m.manifest().contextLength());
            assertEquals(List.of(511, 509), m.manifest().stopTokenIds());
        }
        try (LoadedModel m = load(FIXTURE.resolve("tiny-qwen-fp16"))) {
            assertEquals("float16", m.spec().kvType());
        }
        try (LoadedModel m = load(FIXTURE.resolve("tiny-qwen-nopos"))) {
            assertFalse(m.spec().usesPositionIds());
        }
    }

    @Test
    void missingDirectory() {
        assertThat(failure(tmp.resolve("nowhere"))).contains("nowhere").contains("does not exist");
    }

    @Test
    void missingModelFile() throws IOException {
        Path dir = copyOf("tiny-qwen");
        Files.delete(dir.resolve("model.onnx"));
        assertThat(failure(dir)).contains("model.onnx").contains("missing");
    }

    @Test
    void missingTokenizerConfig() throws IOException {
        Path dir = copyOf("tiny-qwen");
        Files.delete(dir.resolve("tokenizer_config.json"));
        assertThat(failure(dir)).contains("tokenizer_config.json").contains("missing");
    }

    @Test
    void corruptConfigJson() throws IOException {
        Path dir = copyOf("tiny-qwen");
        Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 64,");
        assertThat(failure(dir)).contains("config.json").contains("not valid JSON");
    }

    @Test
    void corruptTokenizerJson() throws IOException {
        Path dir = copyOf("tiny-qwen");
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": [");
        assertThat(failure(dir)).contains("tokenizer.json").contains("not valid JSON");
    }

    @Test
    void corruptOnnxFile() throws IOException {
        Path dir = copyOf("tiny-qwen");
        Files.write(dir.resolve("model.onnx"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThat(failure(dir)).contains("model.onnx").contains("ONNX Runtime cannot load it");
    }

    @Test
    void truncatedOnnxFile() throws IOException {
        Path dir = copyOf("tiny-qwen");
        byte[] bytes = Files.readAllBytes(dir.resolve("model.onnx"));
        Files.write(dir.resolve("model.onnx"), java.util.Arrays.copyOf(bytes, bytes.length / 3));
        assertThat(failure(dir)).contains("model.onnx");
    }

    @Test
    void legacyMergedExportIsRefusedWithAnExplanation() throws IOException {
        Path dir = copyOf("tiny-qwen");
        Files.copy(Path.of("src/test/resources/broken/legacy-merged.onnx"), dir.resolve("model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
        assertThat(failure(dir)).contains("model.onnx").contains("use_cache_branch");
    }

    @Test
    void noContextLengthAnywhere() throws IOException {
        Path dir = copyOf("tiny-qwen");
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                .replace("\"max_position_embeddings\"", "\"unused_key\""));
        Files.writeString(dir.resolve("tokenizer_config.json"), Files.readString(dir.resolve("tokenizer_config.json"))
                .replace("\"model_max_length\"", "\"unused_key\""));
        assertThat(failure(dir)).contains("config.json").contains("context length");
    }

    @Test
    void generationConfigIsOptionalAndEosFallsBackToConfig() throws IOException {
        Path dir = copyOf("tiny-qwen");
        Files.delete(dir.resolve("generation_config.json"));
        ModelManifest manifest = ModelDirectory.read("m", dir);
        assertEquals(List.of(511), manifest.stopTokenIds());
    }

    @Test
    void chatTemplateFromAFileOrANamedList() throws IOException {
        Path dir = copyOf("tiny-qwen");
        String config = Files.readString(dir.resolve("tokenizer_config.json"));
        String withoutTemplate = config.replaceAll("\"chat_template\"\\s*:\\s*\"(?:[^\"\\\\]|\\\\.)*\"\\s*,?", "");
        Files.writeString(dir.resolve("tokenizer_config.json"), withoutTemplate);
        assertTrue(ModelDirectory.read("m", dir).chatTemplate().isEmpty());
        Files.writeString(dir.resolve("chat_template.jinja"), "{{ messages[0]['content'] }}");
        assertEquals("{{ messages[0]['content'] }}", ModelDirectory.read("m", dir).chatTemplate().orElseThrow());
        Files.delete(dir.resolve("chat_template.jinja"));
        Files.writeString(dir.resolve("tokenizer_config.json"), withoutTemplate.replaceFirst("\\{",
                "{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"}, {\"name\": \"default\", \"template\": \"D\"}],"));
        assertEquals("D", ModelDirectory.read("m", dir).chatTemplate().orElseThrow());
    }
}
