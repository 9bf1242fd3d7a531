package dev.slhf.serve.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java verifier agrees with the Python one on every recorded case. */
class VerifierTest {

    @Test
    void agreesWithThePythonVerifier() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(Path.of("models/eval/verifier_cases.jsonl"));
        int right = 0, wrong = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode c = json.readTree(line);
            boolean expected = c.get("expected").asBoolean();
            assertEquals(expected, Verifier.correct(c.get("candidate").asText(), c.get("answer").asText()), line);
            if (expected) {
                right++;
            } else {
                wrong++;
            }
        }
        assertTrue(right >= 10 && wrong >= 10, "cases cover both verdicts: " + right + " right, " + wrong + " wrong");
    }
}
