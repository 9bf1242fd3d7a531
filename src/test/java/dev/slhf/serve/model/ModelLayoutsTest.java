package dev.slhf.serve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slhf.serve.app.ModelLoader;
import dev.slhf.serve.engine.EngineMetrics;
import dev.slhf.serve.engine.EngineSettings;
import dev.slhf.serve.engine.GenerationResult;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.golden.Fixture;
import dev.slhf.serve.model.onnx.OnnxOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The layouts people download, built in a temporary directory from the committed fixtures and
 * served by real ONNX Runtime inference: Transformers.js' onnx/ folder with one graph per variant,
 * external data in one file, in onnx-community's numbered chunks or one file per tensor, symlinked
 * directories and Hugging Face's cache (snapshot files linking to hashed blobs), and the layouts
 * the server refuses, each with an error naming the path and what was found.
 */
class ModelLayoutsTest {

    private static final Path FIXTURE = Fixture.ROOT;
    private static final Path EXTERNAL = FIXTURE.resolve("external-data");
    private static final Path BROKEN = Path.of("src/test/resources/broken");
    private static final List<String> ROOT_FILES = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json");
    private static final JsonNode GOLDEN = Fixture.golden();

    @TempDir
    Path tmp;

    // --- Transformers.js / onnx-community layout: variants under onnx/ ---

    @Test
    void theDefaultIsThePlainModelAndAVariantPicksItsFile() throws IOException {
        Path dir = onnxCommunity("repo");
        try (LoadedModel m = load(dir, Optional.empty())) {
            assertEquals(dir.resolve("onnx/model.onnx"), m.manifest().modelFile());
            assertEquals("float32", m.spec().kvType());
            assertTrue(m.spec().usesPositionIds());
            assertGreedyMatchesPyTorch(m, GOLDEN.get("cases"));
        }
        for (String fp16 : List.of("fp16", "FP16", "onnx/model_fp16.onnx")) {
            try (LoadedModel m = load(dir, Optional.of(fp16))) {
                assertEquals(dir.resolve("onnx/model_fp16.onnx"), m.manifest().modelFile(), fp16);
                assertEquals("float16", m.spec().kvType(), "the fp16 graph's signature: " + fp16);
            }
        }
        try (LoadedModel m = load(dir, Optional.of("fp16"))) {
            assertGreedyMatchesPyTorch(m, GOLDEN.get("variants").get("tiny-qwen-fp16"));
        }
        // Transformers.js' q8 is the file onnxruntime's quantizer names model_quantized.onnx
        try (LoadedModel m = load(dir, Optional.of("q8"))) {
            assertEquals(dir.resolve("onnx/model_quantized.onnx"), m.manifest().modelFile());
            assertFalse(m.spec().usesPositionIds(), "the graph linked as model_quantized.onnx has no position_ids");
        }
        try (LoadedModel m = load(dir, Optional.of("fp32"))) {
            assertEquals(dir.resolve("onnx/model.onnx"), m.manifest().modelFile());
        }
    }

    @Test
    void aMissingVariantNamesTheVariantsPresent() throws IOException {
        Path dir = onnxCommunity("repo");
        assertThat(failure(dir, "q4")).contains(dir.resolve("model_q4.onnx").toString()).contains("variant 'q4'")
                .contains("missing").contains("fp32 (onnx/model.onnx)").contains("fp16 (onnx/model_fp16.onnx)")
                .contains("q8 (onnx/model_quantized.onnx)").contains("slhf.models.m.variant").contains("--variant m=");
        assertThat(failure(dir, "onnx/model_q4f16.onnx")).contains("model_q4f16.onnx").contains("missing")
                .contains("fp16 (onnx/model_fp16.onnx)");
    }

    @Test
    void withoutThePlainModelTheDefaultIsAnErrorListingTheCandidates() throws IOException {
        Path dir = onnxCommunity("repo");
        Files.delete(dir.resolve("onnx/model.onnx"));
        // several quantized files and no choice: never guessed, the operator picks
        assertThat(failure(dir, null)).contains("the default variant").contains("model.onnx").contains("missing")
                .contains("fp16 (onnx/model_fp16.onnx)").contains("q8 (onnx/model_quantized.onnx)")
                .doesNotContain("fp32 (");
    }

    @Test
    void aFileAtTheRootAndUnderOnnxIsAmbiguous() throws IOException {
        Path dir = onnxCommunity("repo");
        Files.createSymbolicLink(dir.resolve("model.onnx"), FIXTURE.resolve("tiny-qwen-nopos/model.onnx").toAbsolutePath());
        assertThat(failure(dir, null)).contains(dir.toString()).contains("both model.onnx and onnx/model.onnx")
                .contains("variant=onnx/model.onnx");
        try (LoadedModel m = load(dir, Optional.of("model.onnx"))) {
            assertFalse(m.spec().usesPositionIds(), "the root file, as named");
        }
        try (LoadedModel m = load(dir, Optional.of("onnx/model.onnx"))) {
            assertTrue(m.spec().usesPositionIds(), "the onnx/ file, as named");
        }
    }

    @Test
    void optimumsLayoutStillLoadsAndTakesAQuantizersCopyAsAVariant() throws IOException {
        Path dir = modelDir("optimum");
        link(dir.resolve("model.onnx"), FIXTURE.resolve("tiny-qwen/model.onnx"));
        link(dir.resolve("model_quantized.onnx"), FIXTURE.resolve("tiny-qwen-nopos/model.onnx"));
        try (LoadedModel m = load(dir, Optional.empty())) {
            assertEquals(dir.resolve("model.onnx"), m.manifest().modelFile());
        }
        try (LoadedModel m = load(dir, Optional.of("quantized"))) {
            assertEquals(dir.resolve("model_quantized.onnx"), m.manifest().modelFile());
            assertFalse(m.spec().usesPositionIds());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../tiny-qwen/model.onnx", "/etc/model.onnx", "q4/../../x", "fp 16"})
    void aVariantCannotLeaveTheDirectory(String variant) throws IOException {
        Path dir = onnxCommunity("repo");
        assertThat(failure(dir, variant)).contains(dir.toString()).contains("variant '" + variant + "'");
    }

    // --- external data ---

    @Test
    void externalDataInOneFileLoadsAndDecodesLikeTheInlineModel() throws IOException {
        Path dir = modelDir("single");
        copyTree(EXTERNAL.resolve("single"), dir);
        assertTrue(Files.size(dir.resolve("model.onnx")) < Files.size(FIXTURE.resolve("tiny-qwen/model.onnx")) / 10,
                "the weights really are outside the graph");
        assertDecodesLikeTheInlineModel(dir, Optional.empty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunks", "tensors"})
    void externalDataInManyFilesLoads(String layout) throws IOException {
        Path dir = modelDir(layout);
        List<String> files = materialise(layout, dir);
        if (layout.equals("chunks")) {
            // onnx-community's naming for weights split under a size bound
            assertThat(files).contains("model.onnx_data", "model.onnx_data_1", "model.onnx_data_2");
        } else {
            assertThat(files).hasSizeGreaterThan(10).doesNotContain("model.onnx_data");
        }
        assertDecodesLikeTheInlineModel(dir, Optional.empty());
    }

    @Test
    void splitExternalDataUnderOnnx() throws IOException {
        // onnx-community's large exports: onnx/model.onnx + onnx/model.onnx_data, onnx/model.onnx_data_1, ...
        // beside the other variants
        Path dir = modelDir("repo");
        Path onnx = Files.createDirectories(dir.resolve("onnx"));
        materialise("chunks", onnx);
        link(onnx.resolve("model_fp16.onnx"), FIXTURE.resolve("tiny-qwen-fp16/model.onnx"));
        assertDecodesLikeTheInlineModel(dir, Optional.empty());
        try (LoadedModel m = load(dir, Optional.of("fp16"))) {
            assertEquals("float16", m.spec().kvType());
        }
    }

    @Test
    void aSymlinkedDirectoryLoads() throws IOException {
        // models/current -> models/rev-2: ONNX Runtime resolves model.onnx_data next to the graph it was given
        Path real = modelDir("rev-2");
        materialise("chunks", real);
        assertDecodesLikeTheInlineModel(Files.createSymbolicLink(tmp.resolve("current"), real), Optional.empty());
        Path onnxCommunity = modelDir("rev-3");
        Files.createDirectories(onnxCommunity.resolve("onnx"));
        materialise("chunks", onnxCommunity.resolve("onnx"));
        assertDecodesLikeTheInlineModel(Files.createSymbolicLink(tmp.resolve("latest"), onnxCommunity), Optional.empty());
    }

    @Test
    void huggingFacesCacheLoads() throws IOException {
        // ~/.cache/huggingface/hub/models--org--name/snapshots/<rev>/onnx/model.onnx -> ../../../blobs/<sha>,
        // and model.onnx_data likewise: the data's real path is not under the snapshot, but beside the
        // graph's real path, which ONNX Runtime accepts since 1.24.2 (1.24.1 refused it)
        Path repo = tmp.resolve("models--org--tiny");
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        Path snapshot = Files.createDirectories(repo.resolve("snapshots/0123abc/onnx")).getParent();
        int n = 0;
        for (String f : ROOT_FILES) {
            blob(blobs, "b" + n++, FIXTURE.resolve("tiny-qwen").resolve(f), snapshot.resolve(f));
        }
        blob(blobs, "b" + n++, EXTERNAL.resolve("single/model.onnx"), snapshot.resolve("onnx/model.onnx"));
        blob(blobs, "b" + n, EXTERNAL.resolve("single/model.onnx_data"), snapshot.resolve("onnx/model.onnx_data"));
        assertDecodesLikeTheInlineModel(snapshot, Optional.empty());
    }

    @Test
    void externalDataLinkedFromElsewhereIsRefusedWithTheWayOut() throws IOException {
        // a real graph whose data file links into an unrelated folder: ONNX Runtime's guard refuses it
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.copy(EXTERNAL.resolve("single/model.onnx_data"), elsewhere.resolve("weights.bin"));
        Path dir = modelDir("linked-data");
        Files.copy(EXTERNAL.resolve("single/model.onnx"), dir.resolve("model.onnx"));
        Files.createSymbolicLink(dir.resolve("model.onnx_data"), elsewhere.resolve("weights.bin"));
        assertThat(failure(dir, null)).contains(dir.resolve("model.onnx").toString()).contains("ONNX Runtime cannot load it")
                .contains("outside the model file's folder").contains("where the graph's real path is");
    }

    @Test
    void missingExternalDataNamesTheModelFile() throws IOException {
        Path dir = modelDir("single");
        copyTree(EXTERNAL.resolve("single"), dir);
        Files.delete(dir.resolve("model.onnx_data"));
        assertThat(failure(dir, null)).contains(dir.resolve("model.onnx").toString()).contains("ONNX Runtime cannot load it")
                .contains("model.onnx_data");
    }

    @Test
    void gitLfsPointersAreNamed() throws IOException {
        String pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 2595122123\n";
        Path dir = modelDir("lfs");
        Files.writeString(dir.resolve("model.onnx"), pointer);
        assertThat(failure(dir, null)).contains(dir.resolve("model.onnx").toString()).contains("Git LFS pointer")
                .contains("git lfs pull");
        dir = modelDir("lfs-data");
        copyTree(EXTERNAL.resolve("single"), dir);
        Files.writeString(dir.resolve("model.onnx_data"), pointer);
        assertThat(failure(dir, null)).contains(dir.resolve("model.onnx_data").toString()).contains("Git LFS pointer");
    }

    // --- layouts the server refuses ---

    @Test
    void optimumsLegacySplitDecodersAreRefusedWithTheWayOut() throws IOException {
        Path dir = modelDir("legacy");
        link(dir.resolve("decoder_model.onnx"), BROKEN.resolve("no-past.onnx"));
        link(dir.resolve("decoder_with_past_model.onnx"), FIXTURE.resolve("tiny-qwen/model.onnx"));
        assertThat(failure(dir, null)).contains(dir.resolve("model.onnx").toString()).contains("missing")
                .contains("found decoder_model.onnx, decoder_with_past_model.onnx").contains("legacy decoder layout")
                .contains("text-generation-with-past");
        link(dir.resolve("decoder_model_merged.onnx"), BROKEN.resolve("legacy-merged.onnx"));
        assertThat(failure(dir, null)).contains("decoder_model_merged.onnx").contains("not supported");
        // named explicitly, each graph meets the signature checks
        assertThat(failure(dir, "decoder_model_merged.onnx")).contains("decoder_model_merged.onnx").contains("use_cache_branch");
        assertThat(failure(dir, "decoder_model.onnx")).contains("decoder_model.onnx").contains("no past_key_values");
    }

    @Test
    void anExportWithoutPastIsRefused() throws IOException {
        Path dir = modelDir("no-past");
        link(dir.resolve("model.onnx"), BROKEN.resolve("no-past.onnx"));
        assertThat(failure(dir, null)).contains(dir.resolve("model.onnx").toString()).contains("no past_key_values")
                .contains("text-generation-with-past");
    }

    @Test
    void otherOnnxFileNamesAreListedAndCanBeNamed() throws IOException {
        Path dir = modelDir("renamed");
        link(dir.resolve("qwen2.5-int4.onnx"), FIXTURE.resolve("tiny-qwen/model.onnx"));
        Files.createDirectories(dir.resolve("onnx"));
        link(dir.resolve("onnx/other.onnx"), FIXTURE.resolve("tiny-qwen-nopos/model.onnx"));
        assertThat(failure(dir, null)).contains("missing").contains("ONNX files present: qwen2.5-int4.onnx, onnx/other.onnx")
                .contains("slhf.models.m.variant");
        try (LoadedModel m = load(dir, Optional.of("qwen2.5-int4.onnx"))) {
            assertTrue(m.spec().usesPositionIds());
        }
        assertThat(failure(modelDir("empty"), null)).contains("no ONNX file");
    }

    // --- helpers ---

    private static LoadedModel load(Path dir, Optional<String> variant) {
        return ModelLoader.load("m", dir, variant, new OnnxOptions(1, 1), new EngineSettings(1, 4, 512), EngineMetrics.NONE);
    }

    private static String failure(Path dir, String variant) {
        return assertThrows(ModelLoadException.class, () -> load(dir, Optional.ofNullable(variant)).close()).getMessage();
    }

    /** Root JSON files of tiny-qwen; the graphs are added by each test. */
    private Path modelDir(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (String f : ROOT_FILES) {
            Files.copy(FIXTURE.resolve("tiny-qwen").resolve(f), dir.resolve(f));
        }
        return dir;
    }

    /** onnx/model.onnx, onnx/model_fp16.onnx and (a stand-in with another signature) onnx/model_quantized.onnx. */
    private Path onnxCommunity(String name) throws IOException {
        Path dir = modelDir(name);
        Path onnx = Files.createDirectories(dir.resolve("onnx"));
        link(onnx.resolve("model.onnx"), FIXTURE.resolve("tiny-qwen/model.onnx"));
        link(onnx.resolve("model_fp16.onnx"), FIXTURE.resolve("tiny-qwen-fp16/model.onnx"));
        link(onnx.resolve("model_quantized.onnx"), FIXTURE.resolve("tiny-qwen-nopos/model.onnx"));
        return dir;
    }

    private static void link(Path link, Path target) throws IOException {
        Files.createSymbolicLink(link, target.toAbsolutePath());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    /** A copy under a hashed name in blobs/, and the snapshot's relative link to it, as huggingface_hub lays out. */
    private static void blob(Path blobs, String hash, Path source, Path link) throws IOException {
        Files.copy(source, blobs.resolve(hash));
        Files.createSymbolicLink(link, link.getParent().relativize(blobs.resolve(hash)));
    }

    /**
     * The graph of an external-data layout and its data files, cut from the single file by the byte
     * ranges models/tools/external_data.py recorded in slices.json. Returns the data file names.
     */
    private static List<String> materialise(String layout, Path dir) throws IOException {
        Path from = EXTERNAL.resolve(layout);
        Files.copy(from.resolve("model.onnx"), dir.resolve("model.onnx"));
        JsonNode slices = new ObjectMapper().readTree(from.resolve("slices.json").toFile());
        Path source = EXTERNAL.resolve("single").resolve(slices.get("source").asText());
        Iterator<Map.Entry<String, JsonNode>> files = slices.get("files").fields();
        List<String> names = new ArrayList<>();
        while (files.hasNext()) {
            Map.Entry<String, JsonNode> f = files.next();
            long start = f.getValue().get(0).asLong(), length = f.getValue().get(1).asLong();
            try (InputStream in = Files.newInputStream(source); OutputStream out = Files.newOutputStream(dir.resolve(f.getKey()))) {
                in.skipNBytes(start);
                out.write(in.readNBytes(Math.toIntExact(length)));
            }
            names.add(f.getKey());
        }
        return names;
    }

    private static void assertDecodesLikeTheInlineModel(Path dir, Optional<String> variant) {
        try (LoadedModel m = load(dir, variant)) {
            assertGreedyMatchesPyTorch(m, GOLDEN.get("cases"));
        }
    }

    /**
     * Greedy output on the fixture's first golden prompts equals PyTorch's reference continuation,
     * which the inline model is tested against in GoldenGenerationTest: same weights, same tokens.
     */
    private static void assertGreedyMatchesPyTorch(LoadedModel model, JsonNode cases) {
        for (int i = 0; i < 2; i++) {
            JsonNode c = cases.get(i);
            int[] expected = Fixture.ints(c.get("continuation_ids"));
            SamplingParams greedy = new SamplingParams(0, 1, 0, 0, 1, null, expected.length, List.of(), true);
            GenerationResult r;
            try {
                r = model.generate(Fixture.ints(c.get("prompt_ids")), greedy, e -> {}).result().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            assertArrayEquals(expected, r.tokenIds().stream().mapToInt(Integer::intValue).toArray(), c.get("name").asText());
        }
    }
}
