package dev.slhf.serve.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;

/**
 * Already serialized response text (a JSON document or SSE frames). The JSON body writer picks
 * up every streamed item; this type makes it write the text verbatim instead of as a JSON string.
 */
@JsonSerialize(using = TextChunk.Verbatim.class)
public record TextChunk(String text) {

    static final class Verbatim extends JsonSerializer<TextChunk> {
        @Override
        public void serialize(TextChunk chunk, JsonGenerator out, SerializerProvider serializers) throws IOException {
            out.writeRaw(chunk.text());
        }
    }
}
