package dev.slhf.serve.model.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.interpret.AutoCloseableSupplier.AutoCloseableImpl;
import java.util.Map;
import java.util.TreeMap;
import jinjava.javax.el.CompositeELResolver;

/**
 * The one Jinjava engine all chat templates share, configured to behave like the jinja2
 * environment Hugging Face transformers renders chat templates with (trim_blocks,
 * lstrip_blocks, raise_exception, its tojson). Registration happens once, here; afterwards the
 * engine is only read, which is what makes concurrent renders safe.
 */
final class JinjaEnvironment {

    private static final Jinjava JINJAVA = create();

    private JinjaEnvironment() {}

    /**
     * A parsed template: the shared syntax tree, and the filters and tests it names that do not
     * exist, each with the line of the source where it is first used.
     */
    record Parsed(Node root, Map<String, Integer> unknownFilters, Map<String, Integer> unknownTests) {}

    /** Parses once; the tree is immutable and shared by all later renders. */
    static Parsed parse(String source) {
        JinjaSource.Prepared prepared = JinjaSource.prepare(source);
        JinjavaInterpreter interpreter = JINJAVA.newInterpreter();
        // Expression nodes capture the strategy of the context they were parsed in.
        interpreter.getContext().setExpressionStrategy(new PyExpressionStrategy());
        try (AutoCloseableImpl<JinjavaInterpreter> current =
                JinjavaInterpreter.closeablePushCurrent(interpreter).get()) {
            Node root = interpreter.parse(prepared.source());
            RenderErrors.throwIfFailed(interpreter.getErrorsCopy(), "parse");
            ExpressionCheck.compileAll(root);
            Context context = interpreter.getContext();
            Map<String, Integer> filters = new TreeMap<>();
            prepared.filters().stream().filter(f -> context.getFilter(f) == null)
                    .forEach(f -> filters.put(f, SourceLines.firstUse(source, "\\|\\s*", f)));
            Map<String, Integer> tests = new TreeMap<>();
            prepared.tests().stream().filter(t -> context.getExpTest(t) == null)
                    .forEach(t -> tests.put(t, SourceLines.firstUse(source, "\\bis\\s+(?:not\\s+)?", t)));
            return new Parsed(root, Map.copyOf(filters), Map.copyOf(tests));
        }
    }

    /**
     * A fresh interpreter with its own scope; never shared between threads. The template's unknown
     * filters and tests are defined in that scope as ones that fail when reached: jinja2 (3.x)
     * defers the error for a name used inside an {@code if} to when the branch runs, and a
     * template whose tool branch uses a filter we lack must still serve plain chats.
     */
    static JinjavaInterpreter newInterpreter(Parsed parsed, Map<String, Object> bindings) {
        JinjavaConfig config = JINJAVA.getGlobalConfig();
        Context scope = new Context(JINJAVA.getGlobalContextCopy(), bindings, config.getDisabled());
        parsed.unknownFilters().forEach((name, line) -> scope.registerFilter(
                MissingName.filter(name, line)));
        parsed.unknownTests().forEach((name, line) -> scope.registerExpTest(
                MissingName.test(name, line)));
        return new JinjavaInterpreter(JINJAVA, scope, config);
    }

    private static Jinjava create() {
        LegacyOverrides python = LegacyOverrides.newBuilder()
                // for k in dict iterates keys in jinja2; Jinjava would iterate values.
                .withIterateOverMapKeys(true)
                // Filters and tests bind tighter than arithmetic, as in jinja2 ("a + b | length"); it
                // is also the mode in which PyExpressionParser.filter() is called.
                .withUseNaturalOperatorPrecedence(true)
                // Only "{{-" is whitespace control; the lenient parser also eats the minus of "{{ -3 }}".
                .withParseWhitespaceControlStrictly(true)
                .build();

        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PySliceResolver());
        resolver.add(new PyStrMethodResolver());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);

        JinjavaConfig config = JinjavaConfig.newBuilder()
                // trim_blocks, lstrip_blocks, {%- -%} and the trailing newline are applied by
                // JinjaSource before Jinjava sees the template (Jinjava's versions differ from jinja2's),
                // so Jinjava must not strip anything itself.
                .withTrimBlocks(false)
                .withLstripBlocks(false)
                .withKeepTrailingNewline(true)
                // Never re-render printed values as templates: message text is user input.
                .withNestedInterpretationEnabled(false)
                .withLegacyOverrides(python)
                .withElResolver(resolver)
                .build();

        Jinjava jinjava = new PyJinjava(config);
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition(
                "", "raise_exception", TemplateFunctions.class, "raiseException", Object.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition(
                "", "dict", TemplateFunctions.class, "dict", Object[].class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition(
                "", "strftime_now", TemplateFunctions.class, "strftimeNow", Object.class));
        PyFilters.all().forEach(jinjava.getGlobalContext()::registerFilter);
        jinjava.getGlobalContext().registerExpTest(PyDefinedTest.DEFINED);
        jinjava.getGlobalContext().registerExpTest(PyDefinedTest.UNDEFINED);
        jinjava.getGlobalContext().registerTag(new PyForTag());
        jinjava.getGlobalContext().registerTag(new PyIfTag());
        jinjava.getGlobalContext().registerTag(new GenerationTag());
        return jinjava;
    }
}
