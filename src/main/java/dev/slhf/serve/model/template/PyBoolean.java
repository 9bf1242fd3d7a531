package dev.slhf.serve.model.template;

import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.javax.el.ELContext;

/**
 * Python's {@code and} / {@code or}: short-circuit and return an operand, not a boolean, so
 * {@code x and 'yes' or 'no'} and {@code content or ''} give strings as in jinja2. EL's
 * {@code and} returns true/false, which would print "True" into the prompt.
 */
final class PyBoolean {

    static final AstBinary.Operator AND = new AstBinary.Operator() {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            Object l = left.eval(bindings, context);
            return PyTruth.of(l) ? right.eval(bindings, context) : l;
        }

        @Override
        public String toString() {
            return "and";
        }
    };

    static final AstBinary.Operator OR = new AstBinary.Operator() {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            Object l = left.eval(bindings, context);
            return PyTruth.of(l) ? l : right.eval(bindings, context);
        }

        @Override
        public String toString() {
            return "or";
        }
    };

    private PyBoolean() {}
}
