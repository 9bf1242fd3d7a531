package dev.slhf.serve.model.template;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies jinja2's lexer-level whitespace rules to a template, for Hugging Face's settings
 * (trim_blocks, lstrip_blocks, keep_trailing_newline=False), and hands Jinjava a template with
 * the same output but no whitespace control left to do: no {@code -}/{@code +} markers, no
 * comments, and trim/lstrip switched off in Jinjava.
 *
 * <p>Why not Jinjava's own switches: its lstrip_blocks strips spaces before every block tag,
 * also mid-line ({@code "[INST] {% for %}"} loses its space), and it combines {@code -#}} with
 * a following line's lstrip into a full trim. jinja2 only strips a line's indentation when
 * nothing but whitespace precedes the tag on that line. The rules below follow jinja2 3.1's
 * lexer: {@code {%-}/{{-}/{#-} rstrip the preceding text; {@code -%}}/{@code -}}}/{@code -#}}
 * eat the following whitespace; {@code %}}/{@code #}} eat one following newline unless written
 * {@code +%}}; block and comment tags (not {@code {{}) drop the whitespace that indents them
 * unless written {@code {%+}.
 */
final class JinjaSource {

    private static final Pattern RAW_BEGIN =
            Pattern.compile("\\{%([-+]?)\\s*raw\\s*(?:-%}\\s*|%})", Pattern.DOTALL);
    private static final Pattern RAW_END = Pattern.compile(
            "\\{%([-+]?)\\s*endraw\\s*(?:\\+%}|-%}\\s*|%}\\n?)", Pattern.DOTALL);
    private static final Pattern COMMENT_END = Pattern.compile("\\+#}|-#}\\s*|#}\\n?");

    /** The Jinjava-ready source, and the filter and test names the template uses. */
    record Prepared(String source, Set<String> filters, Set<String> tests) {}

    private final String src;
    private final StringBuilder out = new StringBuilder();
    private final Set<String> filters = new TreeSet<>();
    private final Set<String> tests = new TreeSet<>();
    private int pos;
    // jinja2's "line_starting": the previous token ended with a newline (or nothing came yet).
    private boolean lineStarting = true;

    private JinjaSource(String src) {
        this.src = src;
    }

    static Prepared prepare(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        // keep_trailing_newline=False: one final newline of the source is not output.
        if (s.endsWith("\n")) {
            s = s.substring(0, s.length() - 1);
        }
        JinjaSource lexer = new JinjaSource(s);
        lexer.run();
        return new Prepared(lexer.out.toString(), Set.copyOf(lexer.filters),
                Set.copyOf(lexer.tests));
    }

    private void run() {
        while (pos < src.length()) {
            int tag = nextTagStart(pos);
            if (tag < 0) {
                emitText(src.substring(pos));
                return;
            }
            char kind = src.charAt(tag + 1);
            Matcher raw = RAW_BEGIN.matcher(src).region(tag, src.length());
            boolean isRaw = kind == '%' && raw.lookingAt();
            char sign = tag + 2 < src.length() ? src.charAt(tag + 2) : 0;
            emitText(stripBefore(src.substring(pos, tag), sign, kind != '{'));
            if (isRaw) {
                raw(raw);
            } else if (kind == '#') {
                comment(tag + 2 + (sign == '-' || sign == '+' ? 1 : 0));
            } else {
                expressionOrBlock(tag, kind, sign == '-' || sign == '+' ? 1 : 0);
            }
        }
    }

    private int nextTagStart(int from) {
        for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length();
                i = src.indexOf('{', i + 1)) {
            char next = src.charAt(i + 1);
            if (next == '{' || next == '%' || next == '#') {
                return i;
            }
        }
        return -1;
    }

    /** The text before a tag, after the tag's left-side whitespace control. */
    private String stripBefore(String text, char sign, boolean lstripApplies) {
        if (sign == '-') {
            return PyStr.rstrip(text, null);
        }
        if (sign != '+' && lstripApplies) {
            int lineStart = text.lastIndexOf('\n') + 1;
            if ((lineStart > 0 || lineStarting) && lineStart < text.length()
                    && PyStr.strip(text.substring(lineStart), null).isEmpty()) {
                return text.substring(0, lineStart);
            }
        }
        return text;
    }

    private void comment(int bodyStart) {
        Matcher end = COMMENT_END.matcher(src).region(bodyStart, src.length());
        if (!end.find()) {
            throw new TemplateRenderException("chat template has an unclosed comment");
        }
        advance(end.end());
    }

    private void raw(Matcher begin) {
        advance(begin.end());
        Matcher end = RAW_END.matcher(src).region(pos, src.length());
        if (!end.find()) {
            throw new TemplateRenderException("chat template has {% raw %} without {% endraw %}");
        }
        char sign = end.group(1).isEmpty() ? 0 : end.group(1).charAt(0);
        emitText(stripBefore(src.substring(pos, end.start()), sign, true));
        advance(end.end());
    }

    /** Copies {{ ... }} or {% ... %} without its whitespace markers. */
    private void expressionOrBlock(int tag, char kind, int signLength) {
        int bodyStart = tag + 2 + signLength;
        int depth = 0;
        for (int i = bodyStart; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipString(i);
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (depth > 0 && (c == ')' || c == ']' || c == '}')) {
                depth--;
            } else if (c == '|' && (i + 1 >= src.length() || src.charAt(i + 1) != '|')) {
                filters.add(identifierAfter(i + 1));
            } else if (isWord(i, "is")) {
                int next = skipSpace(i + 2);
                tests.add(isWord(next, "not") ? identifierAfter(next + 3) : identifierAfter(next));
            } else if (depth == 0) {
                int end = endOfTag(i, kind);
                if (end >= 0) {
                    out.append('{').append(kind).append(PySlices.rewrite(src.substring(bodyStart, i)))
                            .append(kind == '{' ? "}}" : "%}");
                    advance(end);
                    return;
                }
            }
        }
        throw new TemplateRenderException("chat template has an unclosed "
                + (kind == '{' ? "{{ expression" : "{% tag") + " on line " + lineOf(tag));
    }

    private boolean isWord(int i, String word) {
        int end = i + word.length();
        return src.startsWith(word, i) && (i == 0 || !isIdentifierPart(src.charAt(i - 1)))
                && end < src.length() && !isIdentifierPart(src.charAt(end));
    }

    private int skipSpace(int i) {
        while (i < src.length() && Character.isWhitespace(src.charAt(i))) {
            i++;
        }
        return i;
    }

    private String identifierAfter(int i) {
        int start = skipSpace(i);
        int end = start;
        while (end < src.length() && isIdentifierPart(src.charAt(end))) {
            end++;
        }
        return src.substring(start, end);
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** If a tag end starts at i, the offset just past it and the whitespace it eats; else -1. */
    private int endOfTag(int i, char kind) {
        String close = kind == '{' ? "}}" : "%}";
        if (src.startsWith("-" + close, i)) {
            int j = i + 3;
            while (j < src.length() && PyStr.isSpace(src.charAt(j))) {
                j++;
            }
            return j;
        }
        if (kind == '%' && src.startsWith("+%}", i)) {
            return i + 3;
        }
        if (src.startsWith(close, i)) {
            int j = i + 2;
            return kind == '%' && j < src.length() && src.charAt(j) == '\n' ? j + 1 : j;
        }
        return -1;
    }

    private int skipString(int quoteAt) {
        char quote = src.charAt(quoteAt);
        for (int i = quoteAt + 1; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i;
            }
        }
        throw new TemplateRenderException("chat template has an unterminated string literal");
    }

    private int lineOf(int offset) {
        return (int) src.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }

    private void advance(int to) {
        lineStarting = src.charAt(to - 1) == '\n';
        pos = to;
    }

    /**
     * Text is copied as is, except a '{' that Jinjava would read as the start of a tag once the
     * stripped whitespace no longer separates it from the next one: it is printed instead.
     */
    private void emitText(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean last = i + 1 == text.length();
            if (c == '{' && (last || "{%#".indexOf(text.charAt(i + 1)) >= 0)) {
                out.append("{{ '{' }}");
            } else {
                out.append(c);
            }
        }
    }
}
