package dev.slhf.serve.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slhf.serve.golden.Fixture;
import dev.slhf.serve.model.DecodeOptions;
import dev.slhf.serve.model.tokenizer.HfTokenizer;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * clean_up_tokenization_spaces through the engine's text pipeline, against decodes computed by an
 * independent implementation (models/tools/decode_reference.py: bpe.py's decoder and transformers'
 * cleanup rule, committed as decode/reference.json). The fixture's real tokenizer decodes; a fake
 * model replays each reference's token ids, so the generated text is known in advance. The result
 * text is what the refinement pipeline hands to the next round.
 */
class DecodeOptionsEngineTest {

    private static HfTokenizer cleaning;
    private static HfTokenizer raw;
    private static List<Map<String, Object>> cases;

    private static HfTokenizer load(boolean cleanUp) {
        return HfTokenizer.load(Fixture.model("tiny-qwen").resolve("tokenizer.json"),
                cleanUp ? new DecodeOptions(true) : DecodeOptions.NONE);
    }

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        cleaning = load(true);
        raw = load(false);
        try (InputStream in = DecodeOptionsEngineTest.class.getResourceAsStream("/decode/reference.json")) {
            Map<String, Object> file = new ObjectMapper().readValue(in, new TypeReference<>() {});
            cases = (List<Map<String, Object>>) file.get("cases");
        }
    }

    @AfterAll
    static void close() {
        cleaning.close();
        raw.close();
    }

    @SuppressWarnings("unchecked")
    private static int[] ids(Map<String, Object> c) {
        return ((List<Integer>) c.get("ids")).stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void wholeSequenceDecodeMatchesTheReference() {
        for (Map<String, Object> c : cases) {
            int[] ids = ids(c);
            assertEquals(c.get("skip_special_cleaned"), cleaning.decodeText(ids, true), (String) c.get("text"));
            assertEquals(c.get("keep_special_cleaned"), cleaning.decodeText(ids, false), (String) c.get("text"));
            assertEquals(c.get("skip_special"), raw.decodeText(ids, true), (String) c.get("text"));
        }
    }

    @Test
    void generatedTextAndStreamedDeltasMatchTheReference() throws Exception {
        for (Map<String, Object> c : cases) {
            for (boolean cleanUp : new boolean[] {true, false}) {
                // The engine owns (and closes) its tokenizer.
                HfTokenizer tokenizer = load(cleanUp);
                int[] script = ids(c);
                int[] prompt = {0};
                // Position p predicts script[p - 1]; then the eos-free end comes from max_tokens.
                FakeLm lm = new FakeLm(512, p -> script[Math.min(p - prompt.length, script.length - 1)]);
                try (EngineLoop engine = new EngineLoop("fake", lm, tokenizer, Set.of(), 4096,
                        EngineSettings.defaults())) {
                    List<GenerationEvent> events = new CopyOnWriteArrayList<>();
                    SamplingParams params = new SamplingParams(0, 1, 0, 0, 1, null, script.length, List.of(), true);
                    GenerationResult r = engine.submit(new GenerationRequest(prompt, params, events::add))
                            .result().get(10, TimeUnit.SECONDS);
                    String expected = (String) c.get(cleanUp ? "skip_special_cleaned" : "skip_special");
                    assertEquals(expected, r.text(), (String) c.get("text"));
                    StringBuilder streamed = new StringBuilder();
                    events.stream().filter(ev -> ev instanceof GenerationEvent.Delta)
                            .forEach(ev -> streamed.append(((GenerationEvent.Delta) ev).text()));
                    assertEquals(r.text(), streamed.toString(), "deltas concatenate to the text");
                }
            }
        }
        // The references really exercise the rule: most cases change under cleanup.
        long changed = cases.stream().filter(c -> !c.get("skip_special").equals(c.get("skip_special_cleaned"))).count();
        assertNotEquals(0, changed);
    }

    /** Any split of any text: the streamed cleanup concatenates to the cleanup of the whole. */
    @Test
    void streamingCleanupIsExactForRandomSplits() {
        String[] alphabet = {" ", "'", ".", ",", "?", "!", "n", "t", "s", "m", "v", "e", "r", "a", "x", "é", "🙂", "\n"};
        Random rnd = new Random(15);
        for (int trial = 0; trial < 3000; trial++) {
            StringBuilder whole = new StringBuilder();
            SpaceCleanupStream stream = new SpaceCleanupStream();
            StringBuilder out = new StringBuilder();
            int pieces = 1 + rnd.nextInt(12);
            for (int i = 0; i < pieces; i++) {
                StringBuilder piece = new StringBuilder();
                for (int k = rnd.nextInt(5); k > 0; k--) {
                    piece.append(alphabet[rnd.nextInt(alphabet.length)]);
                }
                whole.append(piece);
                out.append(stream.push(piece.toString()));
            }
            out.append(stream.flush(""));
            assertEquals(DecodeOptions.cleanUp(whole.toString()), out.toString(), "for " + whole);
        }
    }
}
