package dev.slhf.serve.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slhf.serve.api.MessageDto;
import dev.slhf.serve.api.RequestFields;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.SamplingParams;
import java.util.List;
import dev.slhf.serve.api.openapi.StringOrList;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /v1/chat/completions} body. OpenAI fields plus the extras vLLM accepts
 * ({@code top_k}, {@code min_p}, {@code repetition_penalty}) and {@code refinement_rounds} for the
 * pipeline id. OpenAI fields that are not implemented (structured output, tools, audio, storage…)
 * are declared here only to be refused with a 400 when set ({@link UnsupportedFields}); fields
 * outside OpenAI's and vLLM's sets are ignored, as both of them ignore them.
 */
@Schema(name = "ChatCompletionRequest", description = "OpenAI chat completion request")
public record ChatCompletionRequest(
        @Schema(description = "A loaded model (plain generation) or the pipeline id (refinement)", required = true)
        String model,
        @Schema(required = true) List<MessageDto> messages,
        Integer maxTokens,
        @Schema(description = "Same as max_tokens (OpenAI's newer name)") Integer maxCompletionTokens,
        @Schema(defaultValue = "1.0") Double temperature,
        @Schema(defaultValue = "1.0") Double topP,
        @Schema(description = "vLLM extra; 0 or -1 disable it", defaultValue = "0") Integer topK,
        @Schema(description = "vLLM extra", defaultValue = "0") Double minP,
        @Schema(description = "vLLM extra", defaultValue = "1.0") Double repetitionPenalty,
        @Schema(description = "Choice i uses seed + i") Long seed,
        @Schema(implementation = StringOrList.class) JsonNode stop,
        @Schema(description = "Choices, each a separate generation; at most slhf.limits.max-n (16)", defaultValue = "1") Integer n,
        @Schema(defaultValue = "false") Boolean stream,
        StreamOptions streamOptions,
        @Schema(description = "Return the log-probability of each generated token", defaultValue = "false")
        Boolean logprobs,
        @Schema(description = "Alternatives per token, 0..20; needs logprobs") Integer topLogprobs,
        @Schema(description = "End-user id for the caller's own records; does not change the output") String user,
        @Schema(description = "Pipeline id only: follower rounds; default slhf.refine.rounds") Integer refinementRounds,
        @Schema(description = "vLLM extra: keep generating up to max_tokens past end-of-sequence", defaultValue = "false")
        Boolean ignoreEos,
        @Schema(description = "-2..2: minus count x this for each token already generated", defaultValue = "0")
        Double frequencyPenalty,
        @Schema(description = "-2..2: minus this for each token already generated", defaultValue = "0")
        Double presencePenalty,
        @Schema(description = "Token id (as a string) -> bias in -100..100 added to its logit")
        Map<String, Double> logitBias,
        @Schema(description = "Only {\"type\":\"text\"}; structured output is not supported yet (400)", implementation = Map.class)
        JsonNode responseFormat,
        @Schema(description = "Only absent or []: tool calls are not supported yet (400)", type = SchemaType.ARRAY,
                implementation = Map.class) JsonNode tools,
        @Schema(description = "Only \"none\": tool calls are not supported yet (400)", implementation = String.class)
        JsonNode toolChoice,
        @Schema(description = "No effect: there are no tools") Boolean parallelToolCalls,
        @Schema(description = "Legacy tools: refused (400)", type = SchemaType.ARRAY, implementation = Map.class)
        JsonNode functions,
        @Schema(description = "Legacy tool_choice: only \"none\"", implementation = String.class) JsonNode functionCall,
        @Schema(description = "Only false: nothing is stored (400)") Boolean store,
        @Schema(description = "Only with store, which is refused (400)", implementation = Map.class) JsonNode metadata,
        @Schema(description = "Only [\"text\"]", implementation = StringOrList.Strings.class) JsonNode modalities,
        @Schema(description = "Refused (400): no audio output", implementation = Map.class) JsonNode audio,
        @Schema(description = "Refused (400): predicted outputs are not supported", implementation = Map.class)
        JsonNode prediction,
        @Schema(description = "Refused (400): the served models do not reason", implementation = String.class)
        JsonNode reasoningEffort,
        @Schema(description = "Refused (400): no web search", implementation = Map.class) JsonNode webSearchOptions,
        @Schema(description = "There is one tier", enumeration = {"auto", "default"}) String serviceTier) {

    /** Refuses the fields set to something this server does not implement. */
    public void checkSupported() {
        UnsupportedFields.responseFormat(responseFormat);
        UnsupportedFields.tools(tools, toolChoice);
        UnsupportedFields.functions(functions, functionCall);
        UnsupportedFields.store(store, metadata);
        UnsupportedFields.modalities(modalities);
        UnsupportedFields.refuse("audio", audio, "audio output is not implemented");
        UnsupportedFields.refuse("prediction", prediction, "predicted outputs are not implemented");
        UnsupportedFields.refuse("reasoning_effort", reasoningEffort, "the served models have no reasoning mode");
        UnsupportedFields.refuse("web_search_options", webSearchOptions, "web search is not implemented");
        UnsupportedFields.serviceTier(serviceTier);
    }

    public SamplingParams samplingParams() {
        checkSupported();
        if (maxTokens != null && maxCompletionTokens != null && !maxTokens.equals(maxCompletionTokens)) {
            throw new InvalidRequestException("max_completion_tokens",
                    "max_tokens and max_completion_tokens disagree; send only one");
        }
        Integer limit = maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
        if (topLogprobs != null && !Boolean.TRUE.equals(logprobs)) {
            throw new InvalidRequestException("top_logprobs", "top_logprobs requires logprobs: true");
        }
        Integer top = Boolean.TRUE.equals(logprobs) ? (topLogprobs == null ? 0 : topLogprobs) : null;
        return RequestFields.sampling(temperature, topP, topK, minP, repetitionPenalty, seed, limit, stop, top, ignoreEos)
                .withAdjustments(RequestFields.adjustments(frequencyPenalty, presencePenalty, logitBias));
    }

    public boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }
}
