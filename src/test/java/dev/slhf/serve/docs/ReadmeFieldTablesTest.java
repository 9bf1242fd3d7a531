package dev.slhf.serve.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.slhf.serve.api.openai.ChatCompletionRequest;
import dev.slhf.serve.api.openai.CompletionRequest;
import dev.slhf.serve.api.refine.RefineRequestBody;
import dev.slhf.serve.api.responses.ResponsesRequest;
import dev.slhf.serve.app.CommandLine;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * README's field tables ("Request fields by endpoint") cannot rot: each lists exactly the JSON
 * properties of its request record, in declaration order (the record components under the app's
 * SNAKE_CASE naming, {@code quarkus.jackson.property-naming-strategy}), and each field the table
 * says is refused with a 400 is named as a literal in the code that refuses it. README's command
 * line block is {@link CommandLine#USAGE} verbatim.
 */
class ReadmeFieldTablesTest {

    private static final Path README = Path.of("README.md");
    private static final Path API = Path.of("src/main/java/dev/slhf/serve/api");
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)` \\| ([^|]+?) \\|");

    static Stream<Arguments> endpoints() {
        return Stream.of(
                Arguments.of("/v1/chat/completions", ChatCompletionRequest.class,
                        List.of(API.resolve("openai/ChatCompletionRequest.java"), API.resolve("openai/UnsupportedFields.java"))),
                Arguments.of("/v1/completions", CompletionRequest.class, List.of(API.resolve("openai/CompletionRequest.java"))),
                Arguments.of("/v1/responses", ResponsesRequest.class,
                        List.of(API.resolve("responses/ResponsesRequest.java"), API.resolve("openai/UnsupportedFields.java"))),
                Arguments.of("/v1/refine", RefineRequestBody.class, List.of(API.resolve("refine/RefineRequestBody.java"))));
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void tableListsEveryPropertyOfTheRequestRecord(String endpoint, Class<? extends Record> dto, List<Path> refusers)
            throws IOException {
        Map<String, String> table = table(endpoint);
        List<String> properties = new ArrayList<>();
        for (RecordComponent c : dto.getRecordComponents()) {
            properties.add(new PropertyNamingStrategies.SnakeCaseStrategy().translate(c.getName()));
        }
        assertThat(table.keySet()).as(endpoint + " table vs " + dto.getSimpleName()).containsExactlyElementsOf(properties);
        assertThat(table.values()).as(endpoint + " statuses").allMatch(s -> List.of("yes", "400", "no effect").contains(s));

        StringBuilder code = new StringBuilder();
        for (Path p : refusers) {
            code.append(Files.readString(p));
        }
        table.forEach((field, status) -> {
            if (status.equals("400")) {
                assertThat(code.toString()).as(endpoint + ": " + field + " is documented as refused").contains("\"" + field + "\"");
            }
        });
    }

    @Test
    void commandLineBlockIsTheUsageText() throws IOException {
        String readme = Files.readString(README);
        int at = readme.indexOf("### Command line\n");
        assertThat(at).isPositive();
        Matcher block = Pattern.compile("```\\n(.*?)```", Pattern.DOTALL).matcher(readme.substring(at));
        assertThat(block.find()).isTrue();
        assertThat(block.group(1)).isEqualTo(CommandLine.USAGE);
    }

    /** Field → status of the table under {@code #### `POST endpoint` fields}. */
    private static Map<String, String> table(String endpoint) throws IOException {
        List<String> lines = Files.readAllLines(README);
        int start = lines.indexOf("#### `POST " + endpoint + "` fields");
        assertThat(start).as("README heading for " + endpoint).isNotNegative();
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
            Matcher m = ROW.matcher(lines.get(i));
            if (m.find()) {
                assertThat(out.put(m.group(1), m.group(2).trim())).as(endpoint + ": " + m.group(1) + " listed twice").isNull();
            }
        }
        return out;
    }
}
