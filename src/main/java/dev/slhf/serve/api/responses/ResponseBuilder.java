package dev.slhf.serve.api.responses;

import dev.slhf.serve.api.Ids;
import dev.slhf.serve.api.refine.RefineResponse;
import dev.slhf.serve.engine.SamplingParams;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link ResponseObject}s of one request: in progress (for the stream's first events)
 * and finished. A {@code length} finish is {@code status: incomplete} with reason
 * {@code max_output_tokens}, as OpenAI reports it.
 */
final class ResponseBuilder {

    final String id = Ids.next("resp_");
    final String messageId = Ids.next("msg_");
    private final long createdAt = Ids.nowSeconds();
    private final ResponsesRequest request;
    private final SamplingParams params;
    private final String model;

    ResponseBuilder(ResponsesRequest request, SamplingParams params, String model) {
        this.request = request;
        this.params = params;
        this.model = model;
    }

    ResponseObject inProgress() {
        return response("in_progress", null, List.of(), null, null);
    }

    ResponseObject finished(String text, String finishReason, int inputTokens, int outputTokens,
            List<RefineResponse.RoundDto> rounds) {
        boolean incomplete = "length".equals(finishReason);
        return response(incomplete ? "incomplete" : "completed",
                incomplete ? new ResponseObject.IncompleteDetails("max_output_tokens") : null,
                List.of(message(incomplete ? "incomplete" : "completed", text)),
                ResponseObject.Usage.of(inputTokens, outputTokens), rounds);
    }

    ResponseObject.OutputMessage message(String status, String text) {
        return new ResponseObject.OutputMessage("message", messageId, status, "assistant",
                text == null ? List.of() : List.of(ResponseObject.OutputText.of(text)));
    }

    private ResponseObject response(String status, ResponseObject.IncompleteDetails incomplete,
            List<ResponseObject.OutputMessage> output, ResponseObject.Usage usage, List<RefineResponse.RoundDto> rounds) {
        return new ResponseObject(id, "response", createdAt, status, null, incomplete, request.instructions(),
                request.maxOutputTokens(), model, output, false, null, new ResponseObject.Reasoning(null, null), false,
                params.temperature(), Map.of("format", Map.of("type", "text")), "none", List.of(), params.topP(),
                "disabled", usage, request.user(), Map.of(), rounds);
    }
}
