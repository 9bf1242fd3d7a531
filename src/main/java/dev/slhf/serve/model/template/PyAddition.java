package dev.slhf.serve.model.template;

import com.hubspot.jinjava.el.ext.AdditionOperator;
import com.hubspot.jinjava.objects.SafeString;
import jinjava.de.odysseus.el.misc.TypeConverter;

/**
 * Python's {@code +}: str + str concatenates, str + anything else fails. Jinjava concatenates
 * any operand with a string ("a" + None gives "anull"), which would put a wrong prompt in front
 * of the model where transformers raises a TypeError.
 */
final class PyAddition extends AdditionOperator {

    static final PyAddition OP = new PyAddition();

    @Override
    protected Object apply(TypeConverter converter, Object left, Object right) {
        boolean leftStr = isStr(left);
        boolean rightStr = isStr(right);
        if (leftStr != rightStr) {
            throw new TemplateRenderException(leftStr
                    ? "can only concatenate str (not \"" + typeName(right) + "\") to str"
                    : "unsupported operand type(s) for +: '" + typeName(left) + "' and 'str'");
        }
        if (left == null || right == null) {
            throw new TemplateRenderException("unsupported operand type(s) for +: '"
                    + typeName(left) + "' and '" + typeName(right) + "'");
        }
        return super.apply(converter, left, right);
    }

    private static boolean isStr(Object o) {
        return o instanceof String || o instanceof SafeString;
    }

    private static String typeName(Object o) {
        if (o == null) {
            return "NoneType";
        }
        if (o instanceof Boolean) {
            return "bool";
        }
        if (o instanceof Double || o instanceof Float) {
            return "float";
        }
        if (o instanceof Number) {
            return "int";
        }
        if (o instanceof java.util.Map) {
            return "dict";
        }
        if (o instanceof Iterable) {
            return "list";
        }
        return o.getClass().getSimpleName();
    }
}
