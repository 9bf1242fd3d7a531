package dev.slhf.serve.model.template;

import com.hubspot.jinjava.objects.SafeString;
import java.math.BigInteger;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Python's {@code json.dumps}, byte for byte, which is what Hugging Face's {@code tojson} filter
 * calls. Jackson's output differs in separators ({@code ","} vs {@code ", "}), float spelling
 * ({@code 1.0E16} vs {@code 1e+16}) and escaping, and tool schemas rendered into the prompt must
 * tokenize exactly as in training, so this is written out rather than configured.
 */
final class PythonJson {

    /** Keyword arguments of {@code json.dumps} that templates pass through {@code tojson}. */
    record Options(String indent, String itemSeparator, String keySeparator, boolean sortKeys,
            boolean ensureAscii) {

        static final Options DEFAULT = new Options(null, ", ", ": ", false, false);
    }

    private final Options options;
    private final StringBuilder out = new StringBuilder();

    private PythonJson(Options options) {
        this.options = options;
    }

    static String dumps(Object value) {
        return dumps(value, Options.DEFAULT);
    }

    static String dumps(Object value, Options options) {
        PythonJson json = new PythonJson(options);
        json.write(value, 0);
        return json.out.toString();
    }

    private void write(Object value, int level) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof CharSequence || value instanceof Character) {
            writeString(value.toString());
        } else if (value instanceof Number n) {
            out.append(number(n));
        } else if (value instanceof Map<?, ?> map) {
            writeObject(map, level);
        } else if (value instanceof Iterable<?> iterable) {
            List<Object> items = new ArrayList<>();
            iterable.forEach(items::add);
            writeArray(items, level);
        } else if (value instanceof Object[] array) {
            writeArray(List.of(array), level);
        } else if (value instanceof SafeString) {
            writeString(value.toString());
        } else {
            throw new TemplateRenderException(
                    "Object of type " + value.getClass().getSimpleName() + " is not JSON serializable");
        }
    }

    private void writeArray(List<?> items, int level) {
        if (items.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        for (int i = 0; i < items.size(); i++) {
            separate(i, level + 1);
            write(items.get(i), level + 1);
        }
        closeIndent(level);
        out.append(']');
    }

    private void writeObject(Map<?, ?> map, int level) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            entries.add(new SimpleEntry<>(key(e.getKey()), e.getValue()));
        }
        if (options.sortKeys()) {
            entries.sort(Map.Entry.comparingByKey(CODE_POINT_ORDER));
        }
        out.append('{');
        for (int i = 0; i < entries.size(); i++) {
            separate(i, level + 1);
            writeString(entries.get(i).getKey());
            out.append(options.keySeparator());
            write(entries.get(i).getValue(), level + 1);
        }
        closeIndent(level);
        out.append('}');
    }

    private void separate(int index, int level) {
        if (index > 0) {
            out.append(options.itemSeparator());
        }
        if (options.indent() != null) {
            out.append('\n').append(options.indent().repeat(level));
        }
    }

    private void closeIndent(int level) {
        if (options.indent() != null) {
            out.append('\n').append(options.indent().repeat(level));
        }
    }

    /** Python converts non-string keys the way it prints scalar values. */
    private static String key(Object key) {
        if (key == null) {
            return "null";
        }
        if (key instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (key instanceof Number n) {
            return number(n);
        }
        return key.toString();
    }

    private static String number(Number n) {
        if (n instanceof BigInteger || n instanceof Long || n instanceof Integer
                || n instanceof Short || n instanceof Byte) {
            return n.toString();
        }
        double d = n.doubleValue();
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return PyFloat.repr(d);
    }

    private void writeString(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (options.ensureAscii() && c > 0x7e)) {
                        // Surrogate pairs come out as two \\u escapes, as Python writes astral characters.
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Python compares str by code point; String.compareTo compares UTF-16 units. */
    private static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    };
}
