package dev.slhf.serve.model.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * jinja2's string filters. Jinjava's upper/lower use the JVM's default locale (a Turkish
 * server would turn "i" into "İ"), its title only starts words after whitespace, and its
 * capitalize and trim use Java's notions of case and whitespace.
 */
final class PyTextFilters {

    private PyTextFilters() {}

    static List<Filter> all() {
        return List.of(
                new TextFilter("upper", PyStr::upper),
                new TextFilter("lower", PyStr::lower),
                new TextFilter("capitalize", PyStr::capitalize),
                new TextFilter("title", PyTextFilters::title),
                // str(x): "True" where Jinjava writes "true".
                new TextFilter("string", s -> s),
                new Trim());
    }

    /**
     * jinja2's title filter (not str.title()): a word starts after '-', whitespace or an opening
     * bracket, so "it's tool-call" becomes "It's Tool-Call".
     */
    static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean wordStart = true;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            boolean separator = cp == '-' || cp == '(' || cp == '{' || cp == '[' || cp == '<'
                    || PyStr.isSpace(cp);
            String ch = new String(Character.toChars(cp));
            out.append(separator ? ch : wordStart ? PyStr.upper(ch) : PyStr.lower(ch));
            wordStart = separator;
        }
        return out.toString();
    }

    /** A filter applying a Python str method to str(value); undefined counts as "". */
    private record TextFilter(String name, UnaryOperator<String> method) implements Filter {

        @Override
        public String getName() {
            return name;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return method.apply(PyRepr.str(var));
        }
    }

    /** trim is str.strip(chars): Python's whitespace set, not Java's chars up to U+0020. */
    private static final class Trim implements Filter {

        @Override
        public String getName() {
            return "trim";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            String chars = args.length > 0 ? args[0] : null;
            return PyStr.strip(PyRepr.str(var), chars);
        }
    }
}
