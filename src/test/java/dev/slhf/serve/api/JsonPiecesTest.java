package dev.slhf.serve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Large bodies go out in pieces, each followed by the newline RESTEasy adds: the JSON must survive that. */
class JsonPiecesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void piecesJoinedWithNewlinesAreTheSameDocument() throws Exception {
        SplittableRandom random = new SplittableRandom(17);
        String alphabet = ",:{}[]\"\\ ab\n\té😀0123456789";
        for (int size : new int[] {1, 2, 7, 64, 1000}) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                StringBuilder s = new StringBuilder();
                for (int j = random.nextInt(40); j > 0; j--) {
                    s.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0,
                            random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
                }
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("text", s.toString());
                item.put("logprob", -random.nextDouble() * 1e6);
                item.put("bytes", List.of(random.nextInt(256), random.nextInt(256)));
                items.add(item);
            }
            String text = JSON.writeValueAsString(Map.of("choices", items, "id", "x,y:{z}"));
            List<String> pieces = new ArrayList<>();
            new JsonPieces(text, size).forEach(pieces::add);
            assertEquals(text, String.join("", pieces), "nothing lost or reordered");
            JsonNode rejoined = JSON.readTree(String.join("\n", pieces) + "\n");
            assertEquals(JSON.readTree(text), rejoined, "newlines fall only where JSON allows whitespace");
            if (size == 64) {
                assertThat(pieces.size()).isGreaterThan(text.length() / 200);
            }
        }
    }
}
