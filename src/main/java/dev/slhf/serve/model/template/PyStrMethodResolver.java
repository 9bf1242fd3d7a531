package dev.slhf.serve.model.template;

import com.hubspot.jinjava.objects.SafeString;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import jinjava.javax.el.ELContext;

/**
 * Answers Python {@code str} method calls ({@code content.strip()}, {@code role.startswith('x')})
 * that Jinjava would otherwise resolve as Java methods: {@code startswith}/{@code lower} do not
 * exist in Java, and {@code strip}/{@code split}/{@code format} exist with other semantics
 * (Unicode whitespace set, regex separators, printf). It sits before Jinjava's own resolvers
 * and answers every method call on a string: a str method not implemented here fails instead of
 * silently running the Java method of the same name.
 */
final class PyStrMethodResolver extends ReadOnlyResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes,
            Object[] params) {
        if (!(base instanceof String || base instanceof SafeString) || method == null) {
            return null;
        }
        String s = base.toString();
        Object[] args = params == null ? new Object[0] : params;
        Object result = call(s, method.toString(), args);
        context.setPropertyResolved(true);
        return result;
    }

    private static final Pattern INDEX = Pattern.compile("-?\\d{1,9}");

    private static Object call(String s, String name, Object[] args) {
        return switch (name) {
            case "strip" -> PyStr.strip(s, str(args, 0));
            case "lstrip" -> PyStr.lstrip(s, str(args, 0));
            case "rstrip" -> PyStr.rstrip(s, str(args, 0));
            case "lower" -> PyStr.lower(s);
            case "upper" -> PyStr.upper(s);
            case "title" -> PyStr.title(s);
            case "capitalize" -> PyStr.capitalize(s);
            case "split" -> PyStr.split(s, str(args, 0), integer(args, 1, -1));
            case "startswith" -> anyPrefix(s, args, true);
            case "endswith" -> anyPrefix(s, args, false);
            case "replace" -> replace(s, str(args, 0), str(args, 1), integer(args, 2, -1));
            case "join" -> join(s, args);
            case "find" -> find(s, String.valueOf(args[0]));
            case "count" -> count(s, String.valueOf(args[0]));
            default -> throw new TemplateRenderException(
                    "str." + name + "() is not supported by the chat template renderer");
        };
    }

    private static String str(Object[] args, int i) {
        return args.length > i && args[i] != null ? args[i].toString() : null;
    }

    private static int integer(Object[] args, int i, int absent) {
        return args.length > i && args[i] instanceof Number n ? n.intValue() : absent;
    }

    /** {@code startswith} also takes a tuple of candidates, which Jinjava hands over as a list. */
    private static boolean anyPrefix(String s, Object[] args, boolean start) {
        Object arg = args.length > 0 ? args[0] : null;
        Collection<?> candidates = arg instanceof Collection<?> c ? c : List.of(String.valueOf(arg));
        for (Object candidate : candidates) {
            String c = String.valueOf(candidate);
            if (start ? s.startsWith(c) : s.endsWith(c)) {
                return true;
            }
        }
        return false;
    }

    private static String replace(String s, String old, String replacement, int count) {
        if (count < 0) {
            return s.replace(old, replacement);
        }
        StringBuilder out = new StringBuilder();
        int start = 0;
        int at;
        for (int done = 0; done < count && (at = s.indexOf(old, start)) >= 0; done++) {
            out.append(s, start, at).append(replacement);
            start = at + old.length();
            if (old.isEmpty()) {
                // Python inserts between every character for an empty needle; advance to avoid looping.
                if (start < s.length()) {
                    out.append(s.charAt(start));
                }
                start++;
            }
        }
        return start <= s.length() ? out.append(s.substring(start)).toString() : out.toString();
    }

    private static String join(String separator, Object[] args) {
        Object arg = args.length > 0 ? args[0] : null;
        if (!(arg instanceof Iterable<?> items)) {
            throw new TemplateRenderException("can only join an iterable");
        }
        return StreamSupport.stream(items.spliterator(), false).map(PyRepr::str)
                .collect(Collectors.joining(separator));
    }

    /** Python indexes by code point, Java by UTF-16 unit; they differ after an emoji. */
    private static int find(String s, String needle) {
        int at = s.indexOf(needle);
        return at < 0 ? -1 : s.codePointCount(0, at);
    }

    private static int count(String s, String needle) {
        if (needle.isEmpty()) {
            return PyStr.length(s) + 1;
        }
        int n = 0;
        for (int at = s.indexOf(needle); at >= 0; at = s.indexOf(needle, at + needle.length())) {
            n++;
        }
        return n;
    }

    /**
     * {@code s[i]} indexes by code point and accepts negative indices, as in Python; Jinjava has
     * no string indexing and prints nothing. Out of range is undefined, as in jinja2's sandbox.
     */
    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        // Jinjava hands the index over as text ("-1"), whatever its type in the template.
        if (!(base instanceof String || base instanceof SafeString) || property == null
                || !INDEX.matcher(property.toString()).matches()) {
            return null;
        }
        context.setPropertyResolved(true);
        String s = base.toString();
        int length = PyStr.length(s);
        long index = Long.parseLong(property.toString());
        long i = index < 0 ? index + length : index;
        if (i < 0 || i >= length) {
            return null;
        }
        int at = s.offsetByCodePoints(0, (int) i);
        return new String(Character.toChars(s.codePointAt(at)));
    }
}
