package dev.slhf.serve.api.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slhf.serve.api.tokenize.TokenizerResponses.Prompt;
import dev.slhf.serve.api.tokenize.TokenizerResponses.Tokenized;
import dev.slhf.serve.app.Pipelines;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.model.TokenizedText;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Lets users see exactly what a model is fed: {@code POST /tokenize} and {@code POST /detokenize}
 * with vLLM's bodies, and {@code POST /apply-template} (llama.cpp's) for the rendered prompt text.
 * Mounted at the root like vLLM's and llama.cpp's; API keys, body limits and error shapes are those
 * of the /v1 endpoints (see {@link #PATHS}).
 *
 * <p>Chat prompts are rendered with the model's own template and encoded exactly as the chat
 * endpoint does. {@code add_special_tokens} defaults to false for both prompt kinds, unlike
 * vLLM's true for a plain prompt, because this server's /v1/completions feeds plain prompts
 * without the tokenizer's post-processor tokens: the default shows what the server really sends.
 */
@Path("/")
@Tag(name = "tokenizer")
public class TokenizerResource {

    /** The paths served here; BodyLimit applies its chunked-body check to them too. */
    public static final Set<String> PATHS = Set.of("/tokenize", "/detokenize", "/apply-template");

    private static final Set<String> TOKENIZE_FIELDS = Set.of("model", "prompt", "messages",
            "add_generation_prompt", "add_special_tokens", "return_token_strs");
    private static final Set<String> DETOKENIZE_FIELDS = Set.of("model", "tokens");
    private static final Set<String> APPLY_TEMPLATE_FIELDS = Set.of("model", "messages", "add_generation_prompt");

    private final Pipelines pipelines;
    private final ObjectMapper json;

    public TokenizerResource(Pipelines pipelines, ObjectMapper json) {
        this.pipelines = pipelines;
        this.json = json;
    }

    @POST
    @Path("tokenize")
    @Blocking // a prompt of up to max-body-size takes a while to template and tokenize
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "tokenize",
            summary = "Token ids of a prompt or of a chat rendered with the model's template (vLLM's /tokenize)")
    public Tokenized tokenize(@RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = TokenizerBodies.Tokenize.class))) JsonNode body) {
        TokenizerRequest request = new TokenizerRequest(body, TOKENIZE_FIELDS, json);
        LoadedModel model = model(request);
        boolean chat = request.has("messages");
        if (chat == request.has("prompt")) {
            throw new InvalidRequestException(chat ? "prompt" : "messages",
                    "exactly one of 'prompt' and 'messages' is required");
        }
        if (!chat && request.has("add_generation_prompt")) {
            throw new InvalidRequestException("add_generation_prompt",
                    "'add_generation_prompt' applies to 'messages' only");
        }
        String text = chat
                ? model.renderChat(request.messages(), request.flag("add_generation_prompt", true))
                : request.string("prompt");
        TokenizedText tokens = model.tokenizer().tokenize(text, request.flag("add_special_tokens", false));
        return new Tokenized(tokens.ids().length, model.manifest().contextLength(), tokens.ids(),
                request.flag("return_token_strs", false) ? tokens.tokenStrings() : null);
    }

    /** Decodes as transformers' {@code decode(tokens)} does: special tokens kept, the checkpoint's options applied. */
    @POST
    @Path("detokenize")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "detokenize", summary = "Text of token ids (vLLM's /detokenize)")
    public Prompt detokenize(@RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = TokenizerBodies.Detokenize.class))) JsonNode body) {
        TokenizerRequest request = new TokenizerRequest(body, DETOKENIZE_FIELDS, json);
        LoadedModel model = model(request);
        int[] ids = request.tokenIds(model.spec().vocabSize());
        return new Prompt(model.tokenizer().decodeText(ids, false));
    }

    @POST
    @Path("apply-template")
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "applyTemplate",
            summary = "The prompt text a chat renders to with the model's template (llama.cpp's /apply-template)")
    public Prompt applyTemplate(@RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = TokenizerBodies.ApplyTemplate.class))) JsonNode body) {
        TokenizerRequest request = new TokenizerRequest(body, APPLY_TEMPLATE_FIELDS, json);
        LoadedModel model = model(request);
        if (!request.has("messages")) {
            throw new InvalidRequestException("messages", "'messages' is required");
        }
        return new Prompt(model.renderChat(request.messages(), request.flag("add_generation_prompt", true)));
    }

    private LoadedModel model(TokenizerRequest request) {
        String name = request.model();
        if (name.equals(pipelines.id())) {
            throw new InvalidRequestException("model", "'" + name + "' is the refinement pipeline, which has no"
                    + " tokenizer of its own: name the leader or follower model", "model_not_found");
        }
        return pipelines.models().registry().get(name, "model");
    }
}
