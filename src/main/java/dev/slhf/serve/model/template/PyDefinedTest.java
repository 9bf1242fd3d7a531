package dev.slhf.serve.model.template;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;

/**
 * jinja2's {@code defined}: a name bound to None is defined. transformers passes
 * {@code tools=None} and {@code documents=None}, and templates branch on
 * {@code tools is defined}; Jinjava's test only looks at the value (null: undefined). For a bare
 * name PyExpressionParser passes the name as the argument, and the test looks it up in the scopes.
 */
final class PyDefinedTest implements ExpTest {

    static final PyDefinedTest DEFINED = new PyDefinedTest("defined", true);
    static final PyDefinedTest UNDEFINED = new PyDefinedTest("undefined", false);

    private final String name;
    private final boolean defined;

    private PyDefinedTest(String name, boolean defined) {
        this.name = name;
        this.defined = defined;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
        return isDefined(var, interpreter, args) == defined;
    }

    private static boolean isDefined(Object var, JinjavaInterpreter interpreter, Object... args) {
        if (var != null) {
            return true;
        }
        if (args.length == 1 && args[0] instanceof String variable && interpreter != null) {
            for (Context c = interpreter.getContext(); c != null; c = c.getParent()) {
                if (c.getScope().containsKey(variable)) {
                    return true;
                }
            }
        }
        return false;
    }
}
