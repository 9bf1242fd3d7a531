package dev.slhf.serve.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The OpenAI error body: {@code {"error":{"message","type","param","code"}}}. */
public record ApiError(Detail error) {

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Detail(String message, String type, String param, String code) {}

    public static ApiError of(String message, String type, String param, String code) {
        return new ApiError(new Detail(message, type, param, code));
    }
}
