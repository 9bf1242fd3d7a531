package dev.slhf.serve.api.openapi;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Documentation only: fields read as a JsonNode that take a string or an array of strings
 * ({@code stop}, the completions {@code prompt}). Without it they document as empty schemas.
 */
@Schema(name = "StringOrList", description = "A string, or an array of strings",
        oneOf = {String.class, StringOrList.Strings.class})
public final class StringOrList {

    private StringOrList() {}

    @Schema(name = "StringList", type = SchemaType.ARRAY, implementation = String.class)
    public static final class Strings {
        private Strings() {}
    }
}
