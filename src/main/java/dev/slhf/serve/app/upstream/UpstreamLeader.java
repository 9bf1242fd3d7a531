package dev.slhf.serve.app.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slhf.serve.app.ServingMeters;
import dev.slhf.serve.app.SlhfConfig;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.template.ChatMessage;
import dev.slhf.serve.refine.DraftSource;
import dev.slhf.serve.refine.Role;
import dev.slhf.serve.refine.Round;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.ws.rs.WebApplicationException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A foreign leader: round 0 is the answer of another OpenAI-compatible server to the prompt,
 * asked non-streaming with the request's sampling settings. Its text is then refined locally
 * like any draft. The whole answer arrives at once, so it is one delta and its TTFT is its latency.
 */
public final class UpstreamLeader implements DraftSource {

    private final String name;
    private final String upstreamModel;
    private final String authorization;
    private final Duration timeout;
    private final OpenAiChatApi api;
    private final ServingMeters meters;

    UpstreamLeader(String name, String upstreamModel, String apiKey, Duration timeout, OpenAiChatApi api,
            ServingMeters meters) {
        this.name = name;
        this.upstreamModel = upstreamModel;
        this.authorization = apiKey == null ? null : "Bearer " + apiKey;
        this.timeout = timeout;
        this.api = api;
        this.meters = meters;
    }

    static UpstreamLeader create(String name, SlhfConfig.Upstream config, ServingMeters meters) {
        long millis = config.timeout().toMillis();
        OpenAiChatApi api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(config.url()))
                .connectTimeout(millis, TimeUnit.MILLISECONDS)
                .readTimeout(millis, TimeUnit.MILLISECONDS)
                .build(OpenAiChatApi.class);
        return new UpstreamLeader(name, config.model().orElse(name), config.apiKey().orElse(null), config.timeout(), api,
                meters);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<Round> draft(List<ChatMessage> prompt, SamplingParams sampling, Consumer<String> deltas) {
        long t0 = System.nanoTime();
        return api.chat(authorization, requestBody(prompt, sampling))
                .ifNoItem().after(timeout).failWith(() -> new UpstreamFailedException(UpstreamFailedException.Kind.TIMEOUT,
                        "Upstream leader '" + name + "' did not answer within " + timeout.toMillis() + " ms", null))
                .onFailure().transform(this::classify)
                .map(answer -> toRound(answer, (System.nanoTime() - t0) / 1e6))
                .invoke(round -> deltas.accept(round.text()))
                .onTermination().invoke((round, failure, cancelled) -> {
                    String outcome = round != null ? "success"
                            : failure instanceof UpstreamFailedException u ? u.kind().wireName() : "cancelled";
                    meters.upstream(name, outcome, System.nanoTime() - t0);
                })
                .subscribeAsCompletionStage();
    }

    ObjectNode requestBody(List<ChatMessage> prompt, SamplingParams s) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("model", upstreamModel);
        var messages = body.putArray("messages");
        prompt.forEach(m -> messages.addObject().put("role", m.role()).put("content", m.content()));
        body.put("temperature", s.temperature());
        body.put("top_p", s.topP());
        if (s.maxTokens() != null) {
            body.put("max_tokens", s.maxTokens());
        }
        if (s.seed() != null) {
            body.put("seed", s.seed());
        }
        if (!s.stop().isEmpty()) {
            var stop = body.putArray("stop");
            s.stop().forEach(stop::add);
        }
        // vLLM's extras; sent only when they change something, since OpenAI itself rejects them
        if (s.topK() > 0) {
            body.put("top_k", s.topK());
        }
        if (s.minP() > 0) {
            body.put("min_p", s.minP());
        }
        if (s.repetitionPenalty() != 1.0) {
            body.put("repetition_penalty", s.repetitionPenalty());
        }
        // OpenAI's own penalties mean the same upstream; logit_bias does not: its keys are token ids
        // of our tokenizer, which the upstream model does not share
        if (!s.adjustments().logitBias().isEmpty()) {
            throw new dev.slhf.serve.engine.InvalidRequestException("logit_bias", "logit_bias names token ids of a loaded"
                    + " model; it cannot apply to upstream leader '" + name + "', whose tokenizer differs");
        }
        if (s.adjustments().frequencyPenalty() != 0) {
            body.put("frequency_penalty", s.adjustments().frequencyPenalty());
        }
        if (s.adjustments().presencePenalty() != 0) {
            body.put("presence_penalty", s.adjustments().presencePenalty());
        }
        body.put("stream", false);
        return body;
    }

    private Round toRound(JsonNode answer, double latencyMs) {
        JsonNode choice = answer.path("choices").path(0);
        JsonNode content = choice.path("message").path("content");
        if (!content.isTextual()) {
            throw new UpstreamFailedException(UpstreamFailedException.Kind.BAD_RESPONSE,
                    "Upstream leader '" + name + "' answered without choices[0].message.content", null);
        }
        JsonNode finish = choice.path("finish_reason");
        JsonNode usage = answer.path("usage");
        return new Round(0, Role.LEADER, name, content.asText(), finish.isTextual() ? finish.asText() : null,
                usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0), latencyMs, latencyMs);
    }

    private Throwable classify(Throwable failure) {
        if (failure instanceof UpstreamFailedException) {
            return failure;
        }
        if (failure instanceof WebApplicationException w) {
            return new UpstreamFailedException(UpstreamFailedException.Kind.HTTP_ERROR, "Upstream leader '" + name
                    + "' answered HTTP " + w.getResponse().getStatus(), failure);
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return new UpstreamFailedException(UpstreamFailedException.Kind.TIMEOUT,
                        "Upstream leader '" + name + "' timed out: " + t.getMessage(), failure);
            }
            if (t instanceof ConnectException) {
                return new UpstreamFailedException(UpstreamFailedException.Kind.UNREACHABLE,
                        "Upstream leader '" + name + "' is unreachable: " + t.getMessage(), failure);
            }
        }
        return new UpstreamFailedException(UpstreamFailedException.Kind.UNREACHABLE,
                "Upstream leader '" + name + "' failed: " + failure, failure);
    }
}
