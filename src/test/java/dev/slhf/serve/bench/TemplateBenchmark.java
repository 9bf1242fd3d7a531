package dev.slhf.serve.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slhf.serve.model.Tokenizer;
import dev.slhf.serve.model.template.ChatMessage;
import dev.slhf.serve.model.template.ChatTemplate;
import dev.slhf.serve.model.tokenizer.HfTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What preparing a chat prompt costs per model family: rendering the conformance suite's
 * follower conversation with four earlier exchanges (nine turns) through {@link ChatTemplate}, next to
 * tokenizing the rendered prompt with the fixture's Rust tokenizer, measured interleaved in one
 * run. Prints the median µs of each and the ratio render / tokenize, the share templating adds to
 * prompt preparation.
 *
 * <pre>./mvnw -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.slhf.serve.bench.TemplateBenchmark [-Dexec.args="--reps 2000"]</pre>
 */
public final class TemplateBenchmark {

    private static final Path FAMILIES = Path.of("src/test/resources/chat-templates/families");

    public static void main(String[] args) throws Exception {
        int reps = args.length == 2 && args[0].equals("--reps") ? Integer.parseInt(args[1]) : 2000;
        Map<String, Object> spec = new ObjectMapper().readValue(FAMILIES.resolve("families.json").toFile(),
                new TypeReference<>() {});
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> families = (List<Map<String, Object>>) spec.get("families");
        @SuppressWarnings("unchecked")
        List<Map<String, String>> turns = (List<Map<String, String>>) ((Map<String, Object>) spec
                .get("conversations")).get("follower_turns");
        // The follower's conversation with four earlier exchanges: strictly alternating, so that the
        // templates that insist on user/assistant/user... accept it.
        List<ChatMessage> conversation = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            conversation.add(new ChatMessage("user", turns.get(0).get("content")));
            conversation.add(new ChatMessage("assistant", turns.get(1).get("content")));
        }
        conversation.add(new ChatMessage("user", turns.get(2).get("content")));
        System.out.printf("Chat prompt preparation, %d-turn conversation, median of %d renders%n%n",
                conversation.size(), reps);
        System.out.println("| template | render µs | tokenize µs | render / tokenize |");
        System.out.println("|---|---|---|---|");
        try (Tokenizer tokenizer = HfTokenizer.load(Path.of("src/test/resources/fixture/tiny-qwen/tokenizer.json"))) {
            for (Map<String, Object> f : families) {
                String name = (String) f.get("name");
                ChatTemplate template = new ChatTemplate(Files.readString(FAMILIES.resolve(name + ".jinja")),
                        (String) f.get("bos_token"), (String) f.get("eos_token"));
                String prompt;
                try {
                    prompt = template.render(conversation, true);
                } catch (RuntimeException e) {
                    System.out.printf("| %s | (rejects the conversation: %s) | | |%n", name, e.getMessage());
                    continue;
                }
                long[] render = new long[reps];
                long[] encode = new long[reps];
                for (int i = 0; i < reps; i++) {
                    long t0 = System.nanoTime();
                    template.render(conversation, true);
                    long t1 = System.nanoTime();
                    tokenizer.encode(prompt);
                    render[i] = t1 - t0;
                    encode[i] = System.nanoTime() - t1;
                }
                double r = median(render) / 1000.0;
                double e = median(encode) / 1000.0;
                System.out.printf("| %s | %.1f | %.1f | %.2f |%n", name, r, e, r / e);
            }
        }
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
