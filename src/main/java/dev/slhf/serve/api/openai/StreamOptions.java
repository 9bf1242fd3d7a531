package dev.slhf.serve.api.openai;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code stream_options}: with {@code include_usage}, a last chunk carries the usage (and empty choices). */
@Schema(name = "StreamOptions")
public record StreamOptions(Boolean includeUsage) {

    public static boolean includeUsage(StreamOptions options) {
        return options != null && Boolean.TRUE.equals(options.includeUsage());
    }
}
