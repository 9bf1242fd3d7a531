package dev.slhf.serve.model.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeStore;
import jinjava.de.odysseus.el.tree.impl.Builder.Feature;
import jinjava.de.odysseus.el.tree.impl.Cache;
import jinjava.javax.el.ExpressionFactory;

/**
 * Jinjava whose expression language uses {@link PyExpressionParser} and
 * {@link PyTypeConverter}. Jinjava hard-wires both in its constructor, so the factory is
 * replaced by overriding the accessor its expression resolver calls.
 */
final class PyJinjava extends Jinjava {

    // Parsed expression trees are cached by source text; the cache is thread-safe.
    private static final int EXPRESSION_CACHE_SIZE = 1000;

    private final ExpressionFactory expressionFactory = new ExpressionFactoryImpl(
            new TreeStore(
                    new PyExpressionParser.SyntaxBuilder(Feature.METHOD_INVOCATIONS, Feature.VARARGS),
                    new Cache(EXPRESSION_CACHE_SIZE)),
            new PyTypeConverter());

    PyJinjava(JinjavaConfig config) {
        super(config);
    }

    @Override
    public ExpressionFactory getExpressionFactory() {
        return expressionFactory;
    }
}
