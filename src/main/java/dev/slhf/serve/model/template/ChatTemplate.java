package dev.slhf.serve.model.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.AutoCloseableSupplier.AutoCloseableImpl;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's chat template (the Jinja {@code chat_template} of its tokenizer_config.json),
 * rendering conversations to the exact prompt string Hugging Face transformers would produce.
 *
 * <p>The source is parsed once; {@link #render} may be called from many threads at once, each
 * call evaluating the shared, read-only syntax tree in its own interpreter and scope.
 */
public final class ChatTemplate {

    /**
     * Stands for a global function as a variable, so that {@code strftime_now is defined} is true
     * as in jinja2 (Llama 3.2 otherwise falls back to a hard-coded date); calls still go to the
     * registered function.
     */
    record GlobalFunction(String name) {
        @Override
        public String toString() {
            return "<function " + name + ">";
        }
    }

    private final JinjaEnvironment.Parsed parsed;
    private final Map<String, Object> globals;

    /**
     * @param source the Jinja template text
     * @param bosToken the tokenizer's bos_token, or null when it has none (then undefined, as in HF)
     * @param eosToken the tokenizer's eos_token, or null
     * @param extraGlobals further variables the template may read (pad_token, unk_token, ...)
     * @throws TemplateRenderException if the source is missing or does not parse
     */
    public ChatTemplate(String source, String bosToken, String eosToken,
            Map<String, Object> extraGlobals) {
        this(source, bosToken, eosToken, extraGlobals, Clock.systemDefaultZone());
    }

    /**
     * @param clock what {@code strftime_now} reads; transformers uses the server's local time, so
     *     the server passes {@link Clock#systemDefaultZone()} and tests a fixed clock
     */
    public ChatTemplate(String source, String bosToken, String eosToken,
            Map<String, Object> extraGlobals, Clock clock) {
        if (source == null || source.isBlank()) {
            throw new TemplateRenderException("chat template is missing or empty");
        }
        Map<String, Object> g = new HashMap<>();
        if (extraGlobals != null) {
            extraGlobals.forEach((name, value) -> putIfPresent(g, name, value));
        }
        putIfPresent(g, "bos_token", bosToken);
        putIfPresent(g, "eos_token", eosToken);
        g.put("raise_exception", new GlobalFunction("raise_exception"));
        g.put("strftime_now", new GlobalFunction("strftime_now"));
        g.put(TemplateFunctions.CLOCK_KEY, java.util.Objects.requireNonNull(clock, "clock"));
        this.globals = Map.copyOf(g);
        this.parsed = JinjaEnvironment.parse(source);
    }

    public ChatTemplate(String source, String bosToken, String eosToken) {
        this(source, bosToken, eosToken, Map.of());
    }

    /**
     * Renders a plain conversation, as {@code apply_chat_template(messages, tokenize=False)}:
     * like transformers, it passes {@code tools} and {@code documents} as None, so
     * {@code tools is defined} is true and {@code tools is none} too.
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> turns = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> turn = new LinkedHashMap<>();
            turn.put("role", m.role());
            turn.put("content", m.content());
            turns.add(turn);
        }
        Map<String, Object> context = new HashMap<>();
        context.put("messages", turns);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("tools", null);
        context.put("documents", null);
        return render(context);
    }

    /**
     * Renders with an arbitrary context (messages as maps, add_generation_prompt, tools, ...).
     * Context entries override the constructor's globals, as HF's template kwargs override the
     * special tokens.
     *
     * @throws TemplateException if the template called raise_exception
     * @throws TemplateRenderException if evaluation failed for any other reason
     */
    public String render(Map<String, Object> context) {
        Map<String, Object> bindings = new HashMap<>(globals);
        context.forEach((key, value) -> bindings.put(key, readOnlyCopy(value)));
        JinjavaInterpreter interpreter = JinjaEnvironment.newInterpreter(parsed, bindings);
        String output;
        // Jinjava's functions and filters find their interpreter through a thread-local stack.
        try (AutoCloseableImpl<JinjavaInterpreter> current =
                JinjavaInterpreter.closeablePushCurrent(interpreter).get()) {
            output = interpreter.render(parsed.root(), false);
        } catch (RuntimeException e) {
            throw RenderErrors.toException(interpreter.getErrorsCopy(), e, "render");
        }
        RenderErrors.throwIfFailed(interpreter.getErrorsCopy(), "render");
        return output;
    }

    /**
     * Templates get their own read-only view of the request: jinja2 in HF runs sandboxed and
     * cannot modify the conversation, whereas Jinjava would let {@code messages.pop()} reach
     * into the caller's lists.
     */
    private static Object readOnlyCopy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, readOnlyCopy(v)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(readOnlyCopy(v)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }

    // A token the tokenizer does not define stays undefined, as it is absent from HF's
    // special_tokens_map; Map.copyOf would also reject the null.
    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
