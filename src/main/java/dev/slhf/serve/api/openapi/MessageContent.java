package dev.slhf.serve.api.openapi;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Documentation only: what a message's {@code content} may be. The DTO keeps it as a JsonNode
 * (RequestFields checks and flattens it), which alone would document as an empty schema: a client
 * generated from that sends {@code "content":{}} and gets a 400.
 */
@Schema(name = "MessageContent", description = "The turn's text: a string, or an array of text parts"
        + " concatenated in order", oneOf = {String.class, MessageContent.Parts.class})
public final class MessageContent {

    private MessageContent() {}

    @Schema(name = "TextContentParts", type = SchemaType.ARRAY, implementation = TextPart.class, minItems = 1)
    public static final class Parts {
        private Parts() {}
    }

    /** The only part type the chat templates can take. */
    @Schema(name = "TextPart", description = "A text content part; other part types are refused (400)")
    public record TextPart(
            @Schema(required = true, enumeration = "text") String type,
            @Schema(required = true) String text) {}
}
