package dev.slhf.serve.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slhf.serve.golden.Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tokenizer_config.json's clean_up_tokenization_spaces reaches the manifest; absent is false. */
class DecodeOptionsManifestTest {

    @TempDir
    Path dir;

    private ModelManifest withSetting(Boolean cleanUp) throws Exception {
        try (Stream<Path> files = Files.list(Fixture.model("tiny-qwen"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        ObjectMapper json = new ObjectMapper();
        Path config = dir.resolve(ModelDirectory.TOKENIZER_CONFIG_FILE);
        ObjectNode node = (ObjectNode) json.readTree(config.toFile());
        node.remove("clean_up_tokenization_spaces");
        if (cleanUp != null) {
            node.put("clean_up_tokenization_spaces", cleanUp);
        }
        json.writeValue(config.toFile(), node);
        return ModelDirectory.read("m", dir);
    }

    @Test
    void trueIsRead() throws Exception {
        assertEquals(new DecodeOptions(true), withSetting(true).decodeOptions());
    }

    @Test
    void falseAndAbsentMeanNoCleanup() throws Exception {
        assertEquals(DecodeOptions.NONE, withSetting(false).decodeOptions());
    }

    @Test
    void absentMeansNoCleanupAsInCurrentTransformers() throws Exception {
        assertEquals(DecodeOptions.NONE, withSetting(null).decodeOptions());
    }
}
