package dev.slhf.serve.api.openai;

/** {@code stream_options}: with {@code include_usage}, a last chunk carries the usage (and empty choices). */
public record StreamOptions(Boolean includeUsage) {

    public static boolean includeUsage(StreamOptions options) {
        return options != null && Boolean.TRUE.equals(options.includeUsage());
    }
}
