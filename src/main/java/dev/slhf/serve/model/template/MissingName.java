package dev.slhf.serve.model.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;

/**
 * Stand-ins for the filters and tests a template names but the renderer does not have. They fail
 * the render when (and only when) the template reaches them, naming the template line, as jinja2
 * fails with "No filter named 'x' found." for a name inside a branch it did not compile.
 */
final class MissingName {

    private MissingName() {}

    static Filter filter(String name, int line) {
        String message = message("filter", name, line);
        return new Filter() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
                throw new TemplateRenderException(message);
            }
        };
    }

    static ExpTest test(String name, int line) {
        String message = message("test", name, line);
        return new ExpTest() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
                throw new TemplateRenderException(message);
            }
        };
    }

    private static String message(String kind, String name, int line) {
        return "chat template line " + line + ": no " + kind + " named '" + name + "'";
    }
}
