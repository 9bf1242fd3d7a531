package dev.slhf.serve.api.openapi;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * What the annotations cannot say about the whole document, added at build time: the info and
 * licence, a server, the tags with their descriptions, the bearer security scheme, and each
 * operation's error responses ({@link ErrorResponses}). Whether the scheme is required depends on
 * the running configuration: {@link ApiKeySecurityFilter}.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ApiDocumentFilter implements OASFilter {

    static final String BEARER = "bearerAuth";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getInfo() == null) { // the build fills title and version only after the filters
            openAPI.info(OASFactory.createInfo().title("slhf-serve API").version(ConfigProvider.getConfig()
                    .getOptionalValue("quarkus.application.version", String.class).orElse("unknown")));
        }
        openAPI.getInfo().description("Inference-time refinement server: a leader model drafts, a follower refines it"
                + " for N rounds. OpenAI-compatible chat and text completions, the Responses API, /v1/refine, and"
                + " vLLM/llama.cpp-style tokenizer endpoints. Every error has the body"
                + " {\"error\":{\"message\",\"type\",\"param\",\"code\"}}.")
                .license(OASFactory.createLicense().name("MIT").identifier("MIT"));
        openAPI.servers(List.of(OASFactory.createServer().url("/")
                .description("This server: the paths are relative to where the document was fetched from")));
        openAPI.tags(List.of(
                tag("chat", "OpenAI chat completions, on a model or on the refinement pipeline id"),
                tag("completions", "OpenAI text completions (raw prompt, no chat template)"),
                tag("refine", "Leader draft plus N follower rounds, every round returned"),
                tag("responses", "OpenAI Responses API, text only"),
                tag("models", "The loaded models, then the pipeline id"),
                tag("tokenizer", "What a model is fed: tokens, their text, the rendered chat"),
                tag("server", "Health and version, as vLLM serves them")));
        if (openAPI.getComponents() == null) {
            openAPI.components(OASFactory.createComponents());
        }
        openAPI.getComponents().addSecurityScheme(BEARER, OASFactory.createSecurityScheme()
                .type(SecurityScheme.Type.HTTP).scheme("bearer")
                .description("Authorization: Bearer <key>, one of slhf.api-keys / slhf.api-keys-file. Required on"
                        + " every operation when keys are configured; with none configured a key is optional (the"
                        + " server ignores it)."));
        if (openAPI.getComponents().getSchemas() == null
                || !openAPI.getComponents().getSchemas().containsKey("ErrorResponse")) {
            throw new IllegalStateException("OpenAPI: the ErrorResponse schema (ApiError) is not in the document");
        }
        openAPI.getPaths().getPathItems().forEach((path, item) ->
                item.getOperations().values().forEach(operation -> ErrorResponses.addTo(path, operation)));
    }

    /**
     * A JsonNode field documented as a oneOf or a $ref keeps the {@code type: object} its Java type
     * implies, which would forbid the string it may be: the annotation's schema is the whole truth.
     */
    @Override
    public Schema filterSchema(Schema schema) {
        if ((schema.getRef() != null || schema.getOneOf() != null)
                && List.of(Schema.SchemaType.OBJECT).equals(schema.getType())) {
            schema.setType(null);
        }
        return schema;
    }

    /** A JAX-RS Response without an entity (GET /health's 200) is documented with no body, not an empty schema. */
    @Override
    public APIResponse filterAPIResponse(APIResponse response) {
        if (response.getContent() != null) {
            for (var entry : List.copyOf(response.getContent().getMediaTypes().entrySet())) {
                if (isEmpty(entry.getValue().getSchema())) {
                    response.getContent().removeMediaType(entry.getKey());
                }
            }
            if (response.getContent().getMediaTypes().isEmpty()) {
                response.setContent(null);
            }
        }
        return response;
    }

    private static boolean isEmpty(Schema schema) {
        return schema == null || (schema.getRef() == null && schema.getType() == null && schema.getOneOf() == null
                && schema.getProperties() == null && schema.getItems() == null);
    }

    private static org.eclipse.microprofile.openapi.models.tags.Tag tag(String name, String description) {
        return OASFactory.createTag().name(name).description(description);
    }
}
