package dev.slhf.serve.model.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Python slicing ({@code messages[1:]}, {@code messages[::-1]}, {@code text[-3:]}) for Jinjava,
 * whose EL grammar has no step and not Python's clamping of out-of-range bounds.
 *
 * <p>The template source is rewritten before Jinjava parses it: every subscript with a colon
 * becomes a method call, {@code x[a:b:c]} → {@code x.__py_slice(a, b, c)} (an empty part is
 * {@code none}), which {@link PySliceResolver} answers. A method call, not a subscript by a slice
 * object, because Jinjava turns subscripts into property names before any resolver sees them.
 * The rewrite knows strings, so a colon in a string literal is left alone.
 */
final class PySlices {

    /** The method the rewrite calls; a name no chat template uses. */
    static final String FUNCTION = "__py_slice";

    /** {@code slice(start, stop, step)}; null parts are Python's None. */
    record Slice(Object start, Object stop, Object step) {}

    private PySlices() {}

    /** The expression with every slice subscript rewritten to a Slice subscript. */
    static String rewrite(String expression) {
        if (expression.indexOf(':') < 0) {
            return expression;
        }
        StringBuilder out = new StringBuilder(expression.length() + 16);
        copy(expression, 0, out, "");
        return out.toString();
    }

    /** Copies from {@code i} up to (not including) the first of {@code stops} at this depth. */
    private static int copy(String s, int i, StringBuilder out, String stops) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (stops.indexOf(c) >= 0) {
                return i;
            }
            if (c == '\'' || c == '"') {
                int end = endOfString(s, i);
                out.append(s, i, end);
                i = end;
            } else if (c == '(' || c == '{') {
                out.append(c);
                i = copy(s, i + 1, out, c == '(' ? ")" : "}");
                if (i < s.length()) {
                    out.append(s.charAt(i++));
                }
            } else if (c == '[') {
                i = bracket(s, i + 1, out);
            } else {
                out.append(c);
                i++;
            }
        }
        return i;
    }

    private static int bracket(String s, int i, StringBuilder out) {
        List<String> parts = new ArrayList<>();
        while (true) {
            StringBuilder part = new StringBuilder();
            i = copy(s, i, part, ":]");
            parts.add(part.toString());
            if (i >= s.length() || s.charAt(i) == ']') {
                break;
            }
            i++; // the ':'
        }
        if (parts.size() == 1) {
            out.append('[').append(parts.get(0));
        } else {
            out.append('.').append(FUNCTION).append('(');
            for (int p = 0; p < 3; p++) {
                String part = p < parts.size() ? parts.get(p).strip() : "";
                out.append(p > 0 ? ", " : "").append(part.isEmpty() ? "none" : part);
            }
            out.append(')');
            if (parts.size() > 3) {
                throw new TemplateRenderException("chat template has a slice with more than two colons");
            }
        }
        if (i < s.length()) {
            out.append(parts.size() == 1 ? "]" : "");
            i++;
        }
        return i;
    }

    private static int endOfString(String s, int quoteAt) {
        char quote = s.charAt(quoteAt);
        for (int i = quoteAt + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i + 1;
            }
        }
        return s.length();
    }

    /** Python's slice over a sequence of {@code length} items: the indices it selects. */
    static int[] indices(Slice slice, int length) {
        int step = slice.step() == null ? 1 : toInt(slice.step());
        if (step == 0) {
            throw new TemplateRenderException("slice step cannot be zero");
        }
        int start;
        int stop;
        if (step > 0) {
            start = slice.start() == null ? 0 : clamp(toInt(slice.start()), length, 0, length);
            stop = slice.stop() == null ? length : clamp(toInt(slice.stop()), length, 0, length);
        } else {
            start = slice.start() == null ? length - 1 : clamp(toInt(slice.start()), length, -1, length - 1);
            stop = slice.stop() == null ? -1 : clamp(toInt(slice.stop()), length, -1, length - 1);
        }
        List<Integer> picked = new ArrayList<>();
        for (int k = start; step > 0 ? k < stop : k > stop; k += step) {
            picked.add(k);
        }
        return picked.stream().mapToInt(Integer::intValue).toArray();
    }

    // CPython's PySlice_AdjustIndices: negative counts from the end, then clamp.
    private static int clamp(int index, int length, int low, int high) {
        int i = index < 0 ? index + length : index;
        return Math.max(low, Math.min(high, i));
    }

    private static int toInt(Object o) {
        if (o instanceof Number n && !(o instanceof Double) && !(o instanceof Float)) {
            return n.intValue();
        }
        if (o instanceof Boolean b) {
            return b ? 1 : 0;
        }
        throw new TemplateRenderException("slice indices must be integers or None, got " + PyRepr.repr(o));
    }
}
