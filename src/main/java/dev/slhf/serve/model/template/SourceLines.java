package dev.slhf.serve.model.template;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Line numbers in the model's own template text, for error messages a user can act on. */
final class SourceLines {

    private SourceLines() {}

    /** The 1-based line where {@code prefixRegex name} first occurs, or 0 when not found. */
    static int firstUse(String source, String prefixRegex, String name) {
        Matcher m = Pattern.compile(prefixRegex + Pattern.quote(name) + "\\b").matcher(source);
        return m.find() ? lineOf(source, m.start()) : 0;
    }

    static int lineOf(String source, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < source.length(); i++) {
            if (source.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
