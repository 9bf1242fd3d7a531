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

    /** Parses once; the tree is immutable and shared by all later renders. */
    static Node parse(String source) {
        JinjaSource.Prepared prepared = JinjaSource.prepare(source);
        JinjavaInterpreter interpreter = JINJAVA.newInterpreter();
        // Expression nodes capture the strategy of the context they were parsed in.
        interpreter.getContext().setExpressionStrategy(new PyExpressionStrategy());
        try (AutoCloseableImpl<JinjavaInterpreter> current =
                JinjavaInterpreter.closeablePushCurrent(interpreter).get()) {
            Node root = interpreter.parse(prepared.source());
            RenderErrors.throwIfFailed(interpreter.getErrorsCopy(), "parse");
            checkNamesExist(prepared, interpreter.getContext());
            ExpressionCheck.compileAll(root);
            return root;
        }
    }

    /**
     * jinja2 rejects an unknown filter or test when compiling the template; Jinjava evaluates it
     * to nothing at render time without reporting an error, so check the names up front.
     */
    private static void checkNamesExist(JinjaSource.Prepared prepared, Context context) {
        for (String filter : prepared.filters()) {
            if (context.getFilter(filter) == null) {
                throw new TemplateRenderException("chat template uses unknown filter '" + filter + "'");
            }
        }
        for (String test : prepared.tests()) {
            if (context.getExpTest(test) == null) {
                throw new TemplateRenderException("chat template uses unknown test '" + test + "'");
            }
        }
    }

    /** A fresh interpreter with its own scope; never shared between threads. */
    static JinjavaInterpreter newInterpreter(Map<String, Object> bindings) {
        JinjavaConfig config = JINJAVA.getGlobalConfig();
        Context scope = new Context(JINJAVA.getGlobalContextCopy(), bindings, config.getDisabled());
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
        PyFilters.all().forEach(jinjava.getGlobalContext()::registerFilter);
        jinjava.getGlobalContext().registerTag(new PyForTag());
        jinjava.getGlobalContext().registerTag(new PyIfTag());
        jinjava.getGlobalContext().registerTag(new GenerationTag());
        return jinjava;
    }
}
