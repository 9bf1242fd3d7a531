package dev.slhf.serve.api.openai;

import dev.slhf.serve.api.ApiError;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Documentation only: what a streamed chat completion's {@code data:} lines hold. */
@Schema(name = "ChatCompletionStreamEvent", description = "The data: line of each event of a streamed chat"
        + " completion: a ChatCompletionChunk, or an ErrorResponse when generation fails after the stream began;"
        + " the stream ends with the line data: [DONE]", oneOf = {ChatCompletionChunk.class, ApiError.class})
public final class ChatCompletionStreamEvent {

    private ChatCompletionStreamEvent() {}
}
