package dev.slhf.serve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The OpenAI error body: {@code {"error":{"message","type","param","code"}}}. */
@Schema(name = "ErrorResponse", description = "Every error, on every endpoint and status")
public record ApiError(@Schema(required = true) Detail error) {

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "ErrorDetail")
    public record Detail(
            @Schema(required = true, description = "What went wrong, for a person") String message,
            @Schema(required = true, description = "invalid_request_error, server_error, ...") String type,
            @Schema(required = true, description = "The request field at fault, or null") String param,
            @Schema(required = true, description = "Machine-readable reason, or null; see README, Status codes")
            String code) {}

    public static ApiError of(String message, String type, String param, String code) {
        return new ApiError(new Detail(message, type, param, code));
    }
}
