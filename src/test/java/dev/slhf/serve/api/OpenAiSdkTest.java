package dev.slhf.serve.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK talks to this server: plain model and pipeline id, stream and not. */
@QuarkusTest
class OpenAiSdkTest {

    @TestHTTPResource("/v1")
    URL base;

    private OpenAIClient client;

    @BeforeEach
    void connect() {
        client = OpenAIOkHttpClient.builder().baseUrl(base.toString()).apiKey("not-checked").maxRetries(0).build();
    }

    @AfterEach
    void close() {
        client.close();
    }

    private static ChatCompletionCreateParams.Builder greedy(String model, String prompt) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(prompt).maxCompletionTokens(12)
                .temperature(0.0);
    }

    /** The streamed text, checking the chunk protocol on the way. */
    private String stream(ChatCompletionCreateParams params, List<ChatCompletionChunk> seen) {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> chunks = client.chat().completions().createStreaming(params)) {
            chunks.stream().forEach(chunk -> {
                seen.add(chunk);
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            });
        }
        return text.toString();
    }

    @Test
    void plainModelStreamEqualsNonStream() {
        ChatCompletion whole = client.chat().completions().create(greedy("tiny", "Say hello").build());
        assertEquals("chat.completion", whole._object_().toString().replace("\"", ""));
        String text = whole.choices().get(0).message().content().orElseThrow();
        assertFalse(text.isEmpty());
        assertTrue(whole.usage().orElseThrow().completionTokens() > 0);

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        String streamed = stream(greedy("tiny", "Say hello")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build(), chunks);
        assertEquals(text, streamed);
        assertEquals(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT, chunks.get(0).choices().get(0).delta().role()
                .orElseThrow());
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty(), "the usage chunk has no choices");
        assertEquals(whole.usage().orElseThrow().totalTokens(), last.usage().orElseThrow().totalTokens());
        ChatCompletionChunk finishing = chunks.get(chunks.size() - 2);
        assertEquals(whole.choices().get(0).finishReason().toString(),
                finishing.choices().get(0).finishReason().orElseThrow().toString());
    }

    @Test
    void pipelineIdStreamEqualsNonStreamAndCarriesTheRounds() {
        ChatCompletionCreateParams params = greedy("slhf", "Sort: 9 4 7")
                .putAdditionalBodyProperty("refinement_rounds", JsonValue.from(2)).build();
        ChatCompletion whole = client.chat().completions().create(params);
        String text = whole.choices().get(0).message().content().orElseThrow();
        assertEquals("slhf", whole.model());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rounds = whole._additionalProperties().get("refinement").convert(List.class);
        assertEquals(3, rounds.size());
        assertEquals(text, rounds.get(2).get("text"));

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        assertEquals(text, stream(params, chunks), "the streamed final round equals the non-streamed one");
        assertEquals("slhf", chunks.get(0).model());
    }

    @Test
    void modelsListTheLoadedModelAndThePipeline() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertEquals(List.of("tiny", "slhf"), ids);
    }

    @Test
    void unknownModelIsTheSdksNotFound() {
        try {
            client.chat().completions().create(greedy("nope", "hi").build());
            throw new AssertionError("expected a 404");
        } catch (NotFoundException e) {
            assertEquals(404, e.statusCode());
        }
    }

    @Test
    void modelsRetrieveReadsOneModelAndUnknownIsNotFound() {
        Model tiny = client.models().retrieve("tiny");
        assertEquals("tiny", tiny.id());
        assertEquals("slhf-serve", tiny.ownedBy());
        assertEquals("slhf", client.models().retrieve("slhf").id());
        try {
            client.models().retrieve("nope");
            throw new AssertionError("expected a 404");
        } catch (NotFoundException e) {
            assertEquals(404, e.statusCode());
        }
    }

    private static ResponseCreateParams response(String model) {
        return ResponseCreateParams.builder().model(model).instructions("Be brief.").input("Say hello")
                .maxOutputTokens(10L).temperature(0.0).build();
    }

    /** The text of a Responses API response, read through the SDK's typed output items. */
    private static String outputText(Response r) {
        StringBuilder text = new StringBuilder();
        r.output().forEach(item -> item.message().ifPresent(m -> m.content()
                .forEach(c -> c.outputText().ifPresent(t -> text.append(t.text())))));
        return text.toString();
    }

    @Test
    void responsesCreateAnswersLikeChatAndStreamsTheSameText() {
        Response whole = client.responses().create(response("tiny"));
        ChatCompletion chat = client.chat().completions().create(ChatCompletionCreateParams.builder().model("tiny")
                .addSystemMessage("Be brief.").addUserMessage("Say hello").maxCompletionTokens(10).temperature(0.0)
                .build());
        String text = outputText(whole);
        assertEquals(chat.choices().get(0).message().content().orElseThrow(), text);
        assertEquals(chat.usage().orElseThrow().promptTokens(), whole.usage().orElseThrow().inputTokens());

        StringBuilder streamed = new StringBuilder();
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(response("tiny"))) {
            stream.stream().forEach(e -> {
                events.add(e);
                e.outputTextDelta().ifPresent(d -> streamed.append(d.delta()));
            });
        }
        assertEquals(text, streamed.toString());
        assertTrue(events.get(0).isCreated());
        ResponseStreamEvent last = events.get(events.size() - 1);
        Response done = last.isCompleted() ? last.asCompleted().response() : last.asIncomplete().response();
        assertEquals(text, outputText(done));
    }

    @Test
    void responsesOnThePipelineIdGiveTheFinalRound() {
        Response r = client.responses().create(response("slhf"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rounds = r._additionalProperties().get("refinement").convert(List.class);
        assertEquals(outputText(r), rounds.get(rounds.size() - 1).get("text"));
    }
}
