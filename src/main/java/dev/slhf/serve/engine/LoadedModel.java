package dev.slhf.serve.engine;

import dev.slhf.serve.model.LmSpec;
import dev.slhf.serve.model.ModelManifest;
import dev.slhf.serve.model.Tokenizer;
import dev.slhf.serve.model.template.ChatMessage;
import dev.slhf.serve.model.template.ChatTemplate;
import dev.slhf.serve.model.template.TemplateException;
import dev.slhf.serve.model.template.TemplateRenderException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A model ready to serve: its manifest, tokenizer, chat template and engine loop behind one small
 * façade. This is what the refinement pipeline and the HTTP layer hold, never the session.
 */
public final class LoadedModel implements AutoCloseable {

    private final ModelManifest manifest;
    private final LmSpec spec;
    private final Tokenizer tokenizer;
    private final Optional<ChatTemplate> template;
    private final EngineLoop engine;

    public LoadedModel(ModelManifest manifest, LmSpec spec, Tokenizer tokenizer, Optional<ChatTemplate> template,
            EngineLoop engine) {
        this.manifest = manifest;
        this.spec = spec;
        this.tokenizer = tokenizer;
        this.template = template;
        this.engine = engine;
    }

    public String name() {
        return manifest.name();
    }

    public ModelManifest manifest() {
        return manifest;
    }

    public LmSpec spec() {
        return spec;
    }

    public EngineLoop engine() {
        return engine;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Renders the conversation with this model's own template (generation prompt appended). */
    public String renderChat(List<ChatMessage> messages) {
        return renderChat(messages, true);
    }

    /** As {@link #renderChat(List)}, choosing whether the assistant's generation prompt ends it. */
    public String renderChat(List<ChatMessage> messages, boolean addGenerationPrompt) {
        ChatTemplate t = template.orElseThrow(() -> new InvalidRequestException("messages",
                "model '" + name() + "' has no chat_template in tokenizer_config.json; use a plain prompt"));
        try {
            return t.render(messages, addGenerationPrompt);
        } catch (TemplateException e) {
            // raise_exception(): the template's own verdict on the conversation, a client mistake
            throw new InvalidRequestException("messages", "The chat template rejected the conversation: "
                    + e.getMessage(), "invalid_conversation");
        } catch (TemplateRenderException e) {
            // anything else is the model's template failing, not the client's input
            throw new GenerationFailedException("The chat template of model '" + name() + "' failed: "
                    + e.getMessage(), e);
        }
    }

    public int[] encodeChat(List<ChatMessage> messages) {
        String text = renderChat(messages);
        PromptCharLimit.check(text, engine.contextLength(), "messages");
        return tokenizer.encode(text);
    }

    public int[] encode(String text) {
        PromptCharLimit.check(text, engine.contextLength(), "prompt");
        return tokenizer.encode(text);
    }

    public GenerationHandle generate(int[] promptIds, SamplingParams params, Consumer<GenerationEvent> listener) {
        return engine.submit(new GenerationRequest(promptIds, params, listener));
    }

    /** A generation of an already accepted request (a later round): queued ahead of new requests, never refused as overload. */
    public GenerationHandle generate(int[] promptIds, SamplingParams params, Consumer<GenerationEvent> listener,
            Admission admission) {
        return engine.submit(new GenerationRequest(promptIds, params, listener), admission);
    }

    /** A generation labelled with {@code role} in the engine's metrics, admitted as {@code admission} says. */
    public GenerationHandle generate(int[] promptIds, SamplingParams params, String role,
            Consumer<GenerationEvent> listener, Admission admission) {
        return engine.submit(new GenerationRequest(promptIds, params, role, listener), admission);
    }

    /** As {@link #generate(int[], SamplingParams, Consumer)}, labelling the engine's metrics with {@code role}. */
    public GenerationHandle generate(int[] promptIds, SamplingParams params, String role,
            Consumer<GenerationEvent> listener) {
        return engine.submit(new GenerationRequest(promptIds, params, role, listener));
    }

    @Override
    public void close() {
        engine.close();
    }
}
