package dev.slhf.serve.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slhf.serve.app.ModelLoader;
import dev.slhf.serve.engine.EngineMetrics;
import dev.slhf.serve.engine.EngineSettings;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.onnx.OnnxOptions;
import dev.slhf.serve.model.template.ChatMessage;
import dev.slhf.serve.refine.FollowerPrompt;
import dev.slhf.serve.refine.RefinementListener;
import dev.slhf.serve.refine.RefinementPipeline;
import dev.slhf.serve.refine.RefinementRequest;
import dev.slhf.serve.refine.Round;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With the demo model playing both roles, the follower's round-1 prompt (user x, assistant y0,
 * user instruction, rendered by the demo's ChatML template) must start with the leader's own
 * token sequence (user x with the generation prompt, then y0's generated ids): the prefix cache
 * then reuses all of it but y0's last token. A template or tokenizer that re-rendered y0 with
 * other ids would shorten the match and fail this. Round 2 reuses at least the round-1 entry's
 * x part.
 */
class DemoPrefixReuseTest {

    @Test
    void roundOneReusesTheLeadersWholeSequenceOnTheDemoTemplate() throws Exception {
        List<int[]> reports = new CopyOnWriteArrayList<>();
        EngineMetrics metrics = new EngineMetrics() {
            @Override
            public void prefixCacheQueried(int queried, int hits) {
                reports.add(new int[] {queried, hits});
            }
        };
        ObjectMapper json = new ObjectMapper();
        List<String> prompts = Files.readAllLines(Path.of("models/eval/heldout.jsonl")).stream().limit(6)
                .map(line -> {
                    try {
                        return json.readTree(line).get("prompt").asText();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
        try (LoadedModel model = ModelLoader.load("slhf-tiny", Path.of("models/demo/slhf-tiny"), new OnnxOptions(2, 1),
                EngineSettings.defaults(), metrics)) {
            RefinementPipeline pipeline = new RefinementPipeline(model, model);
            SamplingParams greedy = new SamplingParams(0, 1, 0, 0, 1, null, 64, List.of(), false);
            for (String prompt : prompts) {
                reports.clear();
                List<Round> rounds = pipeline.start(new RefinementRequest(List.of(new ChatMessage("user", prompt)),
                        null, 2, greedy, FollowerPrompt.paper()), RefinementListener.NONE).result()
                        .get(60, TimeUnit.SECONDS).rounds();
                assertEquals(3, reports.size(), "leader, round 1, round 2 each looked up once");
                Round leader = rounds.get(0);
                assertEquals(rounds.get(1).promptTokens(), reports.get(1)[0]);
                assertEquals(leader.promptTokens() + leader.completionTokens() - 1, reports.get(1)[1],
                        "round 1 reused x + y0 whole for: " + prompt);
                assertTrue(reports.get(2)[1] >= leader.promptTokens() - 1,
                        "round 2 reused at least x: " + reports.get(2)[1] + " for: " + prompt);
            }
        }
    }
}
