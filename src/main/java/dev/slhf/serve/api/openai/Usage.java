package dev.slhf.serve.api.openai;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Token accounting as OpenAI reports it. */
@Schema(name = "Usage")
public record Usage(int promptTokens, int completionTokens, int totalTokens) {

    public static Usage of(int prompt, int completion) {
        return new Usage(prompt, completion, prompt + completion);
    }
}
