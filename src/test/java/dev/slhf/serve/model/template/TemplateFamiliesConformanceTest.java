package dev.slhf.serve.model.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Real chat templates of the model families people serve (families/README.md names the source of
 * each), rendered over five conversations and compared byte for byte with what
 * models/tools/render_templates.py got from jinja2 under transformers' rules. The clock is pinned
 * to the date the script passed to strftime_now, so Llama 3.2 and Granite print the same date.
 */
class TemplateFamiliesConformanceTest {

    private static final Map<String, Object> SPEC = TemplateVectors.json("families/families.json");

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> families() {
        return (List<Map<String, Object>>) SPEC.get("families");
    }

    private static Clock pinnedClock() {
        LocalDate day = LocalDate.parse((String) SPEC.get("strftime_now_date"));
        return Clock.fixed(day.atTime(12, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
    }

    private static ChatTemplate load(Map<String, Object> family) {
        String source = TemplateVectors.text("families/" + family.get("name") + ".jinja");
        return new ChatTemplate(source, (String) family.get("bos_token"),
                (String) family.get("eos_token"), Map.of(), pinnedClock());
    }

    @Test
    void atLeastFifteenFamiliesAndEveryPairHasAReference() {
        List<Map<String, Object>> cases = TemplateVectors.cases("families/expected.json");
        @SuppressWarnings("unchecked")
        int conversations = ((Map<String, Object>) SPEC.get("conversations")).size();
        assertEquals(true, families().size() >= 15, "families: " + families().size());
        assertEquals(families().size() * conversations, cases.size());
    }

    @TestFactory
    Stream<DynamicTest> everyTemplateLoads() {
        return families().stream().map(f -> dynamicTest((String) f.get("name"), () -> load(f)));
    }

    @TestFactory
    @SuppressWarnings("unchecked")
    Stream<DynamicTest> everyConversationMatchesJinja2() {
        Map<String, Map<String, Object>> byName = new HashMap<>();
        families().forEach(f -> byName.put((String) f.get("name"), f));
        Map<String, ChatTemplate> templates = new HashMap<>();
        Map<String, Object> conversations = (Map<String, Object>) SPEC.get("conversations");
        return TemplateVectors.cases("families/expected.json").stream().map(c -> {
            String name = c.get("template") + "/" + c.get("conversation");
            return dynamicTest(name, () -> {
                ChatTemplate template = templates.computeIfAbsent((String) c.get("template"),
                        n -> load(byName.get(n)));
                List<ChatMessage> messages =
                        ((List<Map<String, String>>) conversations.get(c.get("conversation")))
                                .stream().map(m -> new ChatMessage(m.get("role"), m.get("content")))
                                .toList();
                if (c.containsKey("expected_error")) {
                    TemplateException e = assertThrows(TemplateException.class,
                            () -> template.render(messages, true));
                    assertEquals(c.get("expected_error"), e.getMessage());
                } else {
                    assertEquals(c.get("expected"), template.render(messages, true));
                }
            });
        });
    }
}
