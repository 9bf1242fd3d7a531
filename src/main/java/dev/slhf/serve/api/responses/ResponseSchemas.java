package dev.slhf.serve.api.responses;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Documentation only: the Responses API shapes that ResponsesRequest reads from a JsonNode and
 * ResponseEvents writes as maps, so that they are typed in the OpenAPI document.
 */
public final class ResponseSchemas {

    private ResponseSchemas() {}

    @Schema(name = "ResponseInput", description = "A string (one user turn), or an array of message items",
            oneOf = {String.class, InputItems.class})
    public static final class Input {
        private Input() {}
    }

    @Schema(name = "ResponseInputItems", type = SchemaType.ARRAY, implementation = InputItem.class, minItems = 1)
    public static final class InputItems {
        private InputItems() {}
    }

    @Schema(name = "ResponseInputItem", description = "A text message; other item types are refused (400)")
    public record InputItem(
            @Schema(enumeration = "message", defaultValue = "message") String type,
            @Schema(required = true, enumeration = {"system", "developer", "user", "assistant"}) String role,
            @Schema(required = true, oneOf = {String.class, ContentParts.class}) Object content) {}

    @Schema(name = "ResponseContentParts", type = SchemaType.ARRAY, implementation = ContentPart.class)
    public static final class ContentParts {
        private ContentParts() {}
    }

    @Schema(name = "ResponseContentPart", description = "output_text: an earlier assistant answer sent back")
    public record ContentPart(
            @Schema(required = true, enumeration = {"input_text", "output_text"}) String type,
            @Schema(required = true) String text) {}

    @Schema(name = "ResponseStreamEvent", description = "The data: line of each event of a streamed response;"
            + " its type repeats the event: name. Other fields are those of OpenAI's Responses streaming events"
            + " (response, item_id, output_index, content_index, delta, text, part, item); a failure after the"
            + " stream began is an ErrorResponse")
    public record StreamEvent(
            @Schema(required = true, enumeration = {"response.created", "response.in_progress",
                    "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                    "response.output_text.done", "response.content_part.done", "response.output_item.done",
                    "response.completed", "response.incomplete"}) String type,
            int sequenceNumber) {}
}
