package dev.slhf.serve.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.slhf.serve.engine.IncrementalDetokenizer;
import dev.slhf.serve.model.Tokenizer;
import dev.slhf.serve.model.tokenizer.HfTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streaming detokenization on the fixture's real byte-level BPE tokenizer. */
class IncrementalDetokenizerTest {

    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = HfTokenizer.load(Fixture.model("tiny-qwen").resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static List<String> stream(int[] ids) {
        IncrementalDetokenizer d = new IncrementalDetokenizer(tokenizer, true);
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(d.push(id));
        }
        pieces.add(d.flush());
        return pieces;
    }

    @Test
    void multiByteCharactersAreNeverSplit() {
        String text = "café naïve 日本語 emoji 🙂 done";
        int[] ids = tokenizer.encode(text);
        List<String> pieces = stream(ids);
        assertEquals(text, String.join("", pieces));
        for (String p : pieces) {
            assertFalse(p.contains("\uFFFD"), "piece with a broken character: " + p);
            assertFalse(!p.isEmpty() && Character.isLowSurrogate(p.charAt(0)), "piece starts inside a surrogate pair");
        }
    }

    @Test
    void concatenatedPiecesEqualTheFullDecodeForRandomIds() {
        Random rnd = new Random(1234);
        for (int trial = 0; trial < 300; trial++) {
            int[] ids = new int[1 + rnd.nextInt(40)];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = rnd.nextInt(512);
            }
            assertEquals(tokenizer.decode(ids, true), String.join("", stream(ids)), "trial " + trial);
        }
    }

    @Test
    void encodeDecodeRoundTrips() {
        for (String s : List.of("Hello, world!", "  two  spaces\n\nnewlines\t", "12345 + 678 = ?", "Ünïcödé ✓")) {
            assertEquals(s, tokenizer.decode(tokenizer.encode(s), false));
        }
    }
}
