package dev.slhf.serve.model.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slhf.serve.model.DecodeOptions;
import dev.slhf.serve.model.ModelLoadException;
import dev.slhf.serve.model.TokenizedText;
import dev.slhf.serve.model.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * {@link Tokenizer} over DJL's binding of the Rust {@code tokenizers} library, the same code
 * Hugging Face uses, so ids match the model's training exactly. The only class that imports DJL.
 *
 * <p>DJL's defaults are wrong for a generation server: it truncates to 512 tokens and adds the
 * post-processor's special tokens. Both are switched off: prompts are checked against the model's
 * context instead, and the chat template already writes every special token as text.
 */
public final class HfTokenizer implements Tokenizer {

    private final HuggingFaceTokenizer delegate;
    private final Map<String, Integer> addedTokens;
    private final BitSet special;
    private final boolean byteLevelDecoder;
    private final DecodeOptions decodeOptions;

    private HfTokenizer(HuggingFaceTokenizer delegate, Map<String, Integer> addedTokens, BitSet special,
            boolean byteLevelDecoder, DecodeOptions decodeOptions) {
        this.delegate = delegate;
        this.decodeOptions = decodeOptions;
        this.addedTokens = addedTokens;
        this.special = special;
        this.byteLevelDecoder = byteLevelDecoder;
    }

    public static HfTokenizer load(Path tokenizerJson) {
        return load(tokenizerJson, DecodeOptions.NONE);
    }

    /** @param decodeOptions the checkpoint's tokenizer_config.json decode settings */
    public static HfTokenizer load(Path tokenizerJson, DecodeOptions decodeOptions) {
        Map<String, Integer> added = new HashMap<>();
        BitSet special = new BitSet();
        boolean byteLevel;
        try {
            // DJL has no API for the added-token table; read it from the file (already known to be JSON).
            JsonNode root = new ObjectMapper().readTree(tokenizerJson.toFile());
            byteLevel = "ByteLevel".equals(root.path("decoder").path("type").asText());
            for (JsonNode t : root.path("added_tokens")) {
                int id = t.path("id").asInt();
                added.put(t.path("content").asText(), id);
                if (t.path("special").asBoolean(false)) {
                    special.set(id);
                }
            }
        } catch (IOException e) {
            throw new ModelLoadException(tokenizerJson, "cannot be read", e);
        }
        try {
            HuggingFaceTokenizer tok = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
            return new HfTokenizer(tok, Map.copyOf(added), special, byteLevel, decodeOptions);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException(tokenizerJson, "the tokenizer library rejects it", e);
        }
    }

    @Override
    public int[] encode(String text) {
        long[] ids = delegate.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public TokenizedText tokenize(String text, boolean addSpecialTokens) {
        Encoding encoding = delegate.encode(text, addSpecialTokens, false);
        long[] ids = encoding.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return new TokenizedText(out, List.of(encoding.getTokens()));
    }

    @Override
    public String decode(int[] ids, int from, int to, boolean skipSpecialTokens) {
        long[] wide = new long[to - from];
        for (int i = from; i < to; i++) {
            wide[i - from] = ids[i];
        }
        return delegate.decode(wide, skipSpecialTokens);
    }

    @Override
    public OptionalInt specialTokenId(String content) {
        Integer id = addedTokens.get(content);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public boolean isSpecial(int id) {
        return special.get(id);
    }

    @Override
    public DecodeOptions decodeOptions() {
        return decodeOptions;
    }

    @Override
    public boolean concatenativeDecode() {
        return byteLevelDecoder;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
