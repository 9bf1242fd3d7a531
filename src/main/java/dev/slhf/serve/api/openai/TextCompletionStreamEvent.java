package dev.slhf.serve.api.openai;

import dev.slhf.serve.api.ApiError;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Documentation only: what a streamed text completion's {@code data:} lines hold. */
@Schema(name = "TextCompletionStreamEvent", description = "The data: line of each event of a streamed text"
        + " completion: a TextCompletion chunk (the text so far of one choice), or an ErrorResponse when generation"
        + " fails after the stream began; the stream ends with the line data: [DONE]",
        oneOf = {CompletionResponse.class, ApiError.class})
public final class TextCompletionStreamEvent {

    private TextCompletionStreamEvent() {}
}
