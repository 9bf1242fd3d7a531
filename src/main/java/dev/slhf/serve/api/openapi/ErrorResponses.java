package dev.slhf.serve.api.openapi;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * The error statuses each operation really answers (README, "Operating safely"), every one with
 * the OpenAI error body. Kept as one table rather than a dozen annotations per method so that a
 * status is described once; an operation missing from the table fails the build, so a new
 * endpoint cannot ship with its errors undocumented.
 */
final class ErrorResponses {

    private static final Map<String, String> MEANING = Map.ofEntries(
            Map.entry("400", "Invalid request: malformed JSON or UTF-8, a wrong type or value, a limit exceeded;"
                    + " error.param names the field"),
            Map.entry("401", "API keys are on and the request has none (missing_api_key) or a wrong one"
                    + " (invalid_api_key)"),
            Map.entry("404", "Unknown model (model_not_found)"),
            Map.entry("408", "The body did not arrive within slhf.limits.body-read-timeout (body_read_timeout)"),
            Map.entry("413", "Body over quarkus.http.limits.max-body-size (request_too_large)"),
            Map.entry("415", "Content-Type is not application/json"),
            Map.entry("429", "The model's queue is full, or the response would not fit in the response memory"
                    + " bound (server_overloaded); retry after Retry-After seconds"),
            Map.entry("500", "The model failed during generation (server_error)"),
            Map.entry("502", "An upstream leader failed (upstream_*)"),
            Map.entry("503", "Draining (shutting_down), generation cut by the drain (cancelled), or an optional"
                    + " model that did not load (model_unavailable)"),
            Map.entry("504", "Past slhf.limits.request-timeout (request_timeout), or an upstream leader timed out"));

    private static final List<String> GENERATION =
            List.of("400", "401", "404", "408", "413", "415", "429", "500", "502", "503", "504");
    private static final List<String> TOKENIZER = List.of("400", "401", "404", "408", "413", "415", "503");

    private static final Map<String, List<String>> BY_OPERATION = Map.of(
            "createChatCompletion", GENERATION,
            "createCompletion", GENERATION,
            "createRefinement", GENERATION,
            "createResponse", GENERATION,
            "tokenize", TOKENIZER,
            "detokenize", TOKENIZER,
            "applyTemplate", TOKENIZER,
            "listModels", List.of("401"),
            "retrieveModel", List.of("401", "404", "503"),
            "getHealth", List.of("401"));

    private ErrorResponses() {}

    static void addTo(String path, Operation operation) {
        List<String> statuses = BY_OPERATION.get(operation.getOperationId());
        if (statuses == null && !"getVersion".equals(operation.getOperationId())) {
            throw new IllegalStateException("OpenAPI: " + path + " (operationId " + operation.getOperationId()
                    + ") has no entry in ErrorResponses: list the error statuses it answers");
        }
        // sorted, so the document reads 200, 400, 401, ...
        Map<String, APIResponse> sorted = new TreeMap<>(operation.getResponses().getAPIResponses());
        for (String status : statuses == null ? List.of("401") : statuses) {
            APIResponse existing = sorted.get(status);
            if (existing == null || existing.getContent() == null) {
                sorted.put(status, error(status));
            }
        }
        sorted.forEach(operation.getResponses()::addAPIResponse);
    }

    private static APIResponse error(String status) {
        APIResponse response = OASFactory.createAPIResponse().description(MEANING.get(status))
                .content(OASFactory.createContent().addMediaType("application/json",
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref("ErrorResponse"))));
        if (status.equals("429") || status.equals("503")) {
            Header retryAfter = OASFactory.createHeader().description("Seconds to wait before retrying")
                    .schema(OASFactory.createSchema().addType(org.eclipse.microprofile.openapi.models.media.Schema.SchemaType.INTEGER));
            response.addHeader("Retry-After", retryAfter);
        }
        return response;
    }
}
