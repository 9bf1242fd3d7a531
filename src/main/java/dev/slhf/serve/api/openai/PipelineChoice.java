package dev.slhf.serve.api.openai;

import dev.slhf.serve.app.Pipelines;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.template.ChatMessage;
import dev.slhf.serve.refine.RefinementRequest;
import java.util.List;

/**
 * The refinement pipeline behind an OpenAI model id: one choice whose text is the last round.
 * Requests that need several independent samples or token log-probabilities are refused, since a
 * refinement has neither.
 */
public final class PipelineChoice {

    private PipelineChoice() {}

    public static RefinementRequest request(Pipelines pipelines, List<ChatMessage> conversation, SamplingParams sampling,
            Integer n, Integer refinementRounds) {
        if (n != null && n != 1) {
            throw new InvalidRequestException("n", "the refinement pipeline '" + pipelines.id() + "' answers with n=1 only");
        }
        if (sampling.wantsLogprobs()) {
            throw new InvalidRequestException("logprobs",
                    "logprobs are not available for the refinement pipeline '" + pipelines.id() + "'");
        }
        var config = pipelines.models().config().refine();
        if (refinementRounds != null && (refinementRounds < 0 || refinementRounds > config.maxRounds())) {
            throw new InvalidRequestException("refinement_rounds",
                    "refinement_rounds must be between 0 and " + config.maxRounds() + ", got " + refinementRounds);
        }
        return new RefinementRequest(conversation, null, refinementRounds == null ? config.rounds() : refinementRounds,
                sampling, pipelines.models().followerPrompt());
    }
}
