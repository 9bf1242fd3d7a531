package dev.slhf.serve.model.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.filter.LengthFilter;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.util.ForLoop;
import com.hubspot.jinjava.util.ObjectIterator;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Filters whose Jinjava implementation differs from the jinja2 one Hugging Face uses, on
 * values and collections; the string filters are in {@link PyTextFilters}.
 */
final class PyFilters {

    private PyFilters() {}

    static List<Filter> all() {
        List<Filter> all = new ArrayList<>(List.of(new Tojson(), new Length("length"),
                new Length("count"), new Sum(), new Join(), new Default("default"), new Default("d"),
                new Items()));
        all.addAll(PyTextFilters.all());
        return all;
    }

    /**
     * jinja2 3.1's {@code items}: the (key, value) pairs of a mapping, in its order, for
     * {@code for k, v in d | items}; an undefined value gives nothing, anything else is an error.
     */
    static final class Items implements Filter {

        @Override
        public String getName() {
            return "items";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return List.of();
            }
            if (!(var instanceof Map<?, ?> map)) {
                throw new TemplateRenderException("items: can only get item pairs from a mapping, got "
                        + PyRepr.repr(var));
            }
            List<Map.Entry<Object, Object>> pairs = new ArrayList<>(map.size());
            map.forEach((k, v) -> pairs.add(new java.util.AbstractMap.SimpleImmutableEntry<>(k, v)));
            return pairs;
        }
    }

    /**
     * HF replaces jinja2's HTML-escaping tojson with {@code json.dumps(x, ensure_ascii=False,
     * indent=None, separators=None, sort_keys=False)}; Jinjava's uses Jackson's compact output.
     */
    static final class Tojson implements Filter {

        private static final List<String> POSITIONAL =
                List.of("ensure_ascii", "indent", "separators", "sort_keys");

        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args,
                Map<String, Object> kwargs) {
            Map<String, Object> named = new HashMap<>(kwargs);
            for (int i = 0; i < args.length && i < POSITIONAL.size(); i++) {
                named.put(POSITIONAL.get(i), args[i]);
            }
            Object indentArg = named.get("indent");
            String indent = indentArg == null ? null
                    : indentArg instanceof Number n ? " ".repeat(Math.max(0, n.intValue()))
                    : indentArg.toString();
            String itemSeparator = indent == null ? ", " : ",";
            String keySeparator = ": ";
            if (named.get("separators") instanceof List<?> separators && separators.size() == 2) {
                itemSeparator = String.valueOf(separators.get(0));
                keySeparator = String.valueOf(separators.get(1));
            }
            PythonJson.Options options = new PythonJson.Options(indent, itemSeparator, keySeparator,
                    truthy(named.get("sort_keys")), truthy(named.get("ensure_ascii")));
            return PythonJson.dumps(var, options);
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return PythonJson.dumps(var);
        }

        private static boolean truthy(Object o) {
            return o instanceof Boolean b && b;
        }
    }

    /** Python's len() counts code points, so an emoji is 1, not 2 as in String.length(). */
    static final class Length implements Filter {

        private final String name;
        private final LengthFilter collections = new LengthFilter();

        Length(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var instanceof String || var instanceof SafeString) {
                return PyStr.length(var.toString());
            }
            return collections.filter(var, interpreter, args);
        }
    }

    /** Python's sum() keeps integers integral; Jinjava's always yields a decimal ("6.0"). */
    static final class Sum implements Filter {

        @Override
        public String getName() {
            return "sum";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args,
                Map<String, Object> kwargs) {
            Object attribute = kwargs.getOrDefault("attribute", args.length > 0 ? args[0] : null);
            Object start = kwargs.getOrDefault("start", args.length > 1 ? args[1] : 0L);
            boolean integral = isIntegral(start);
            BigInteger intSum = integral ? BigInteger.valueOf(((Number) start).longValue())
                    : BigInteger.ZERO;
            double floatSum = ((Number) start).doubleValue();
            ForLoop items = ObjectIterator.getLoop(var);
            while (items.hasNext()) {
                Object item = items.next();
                if (attribute != null) {
                    item = interpreter.resolveProperty(item, List.of(attribute.toString().split("\\.")));
                }
                if (!(item instanceof Number n)) {
                    throw new TemplateRenderException("unsupported operand type(s) for +: "
                            + (item == null ? "NoneType" : item.getClass().getSimpleName()));
                }
                integral &= isIntegral(n);
                floatSum += n.doubleValue();
                if (isIntegral(n)) {
                    intSum = intSum.add(new BigInteger(n.toString()));
                }
            }
            if (integral) {
                return intSum.bitLength() < 64 ? (Object) intSum.longValue() : intSum;
            }
            return floatSum;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }

        private static boolean isIntegral(Object n) {
            return n instanceof Long || n instanceof Integer || n instanceof BigInteger
                    || n instanceof Short || n instanceof Byte;
        }
    }

    /** jinja2 joins str() of the items: "True", "1.5"; Jinjava writes "true". */
    static final class Join implements Filter {

        @Override
        public String getName() {
            return "join";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args,
                Map<String, Object> kwargs) {
            Object separator = kwargs.getOrDefault("d", args.length > 0 ? args[0] : "");
            Object attribute = kwargs.getOrDefault("attribute", args.length > 1 ? args[1] : null);
            StringBuilder out = new StringBuilder();
            ForLoop items = ObjectIterator.getLoop(var);
            boolean first = true;
            while (items.hasNext()) {
                Object item = items.next();
                if (attribute != null) {
                    item = interpreter.resolveProperty(item, List.of(attribute.toString().split("\\.")));
                }
                if (!first) {
                    out.append(PyRepr.str(separator));
                }
                out.append(PyRepr.str(item));
                first = false;
            }
            return out.toString();
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }
    }

    /**
     * jinja2's default keeps the default value's type: {@code flag | default(false)} is the
     * boolean False. Jinjava turns it into the string "false", which Python-truthiness reads as
     * true. With boolean=true the test is Python truthiness, too.
     */
    static final class Default implements Filter {

        private final String name;

        Default(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args,
                Map<String, Object> kwargs) {
            Object fallback = kwargs.getOrDefault("default_value", args.length > 0 ? args[0] : "");
            Object booleanArg = kwargs.getOrDefault("boolean", args.length > 1 ? args[1] : false);
            boolean useDefault = var == null || (PyTruth.of(booleanArg) && !PyTruth.of(var));
            return useDefault ? fallback : var;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }
    }
}
