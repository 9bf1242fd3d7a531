package dev.slhf.serve.model.template;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.ext.AdditionOperator;
import com.hubspot.jinjava.el.ext.AstNamedParameter;
import com.hubspot.jinjava.el.ext.CollectionMembershipOperator;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.el.ext.OrOperator;
import java.util.ArrayList;
import java.util.List;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.Scanner.ScanException;
import jinjava.de.odysseus.el.tree.impl.Scanner.Symbol;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstIdentifier;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstProperty;
import jinjava.de.odysseus.el.tree.impl.ast.AstString;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;

/**
 * Jinjava's expression parser with jinja2's rules restored:
 * <ul>
 *   <li>{@code not} binds looser than comparisons and tests: jinja2 reads
 *       {@code not x is string} as {@code not (x is string)}; Jinjava's EL grammar makes it
 *       {@code (not x) is string}, which is never true, silently changing the branch taken.
 *   <li>{@code +} follows Python: adding a string to a non-string is a TypeError, where Jinjava
 *       would print e.g. "null" for a missing content into the prompt.
 *   <li>{@code and}/{@code or} return an operand, as in Python ({@link PyBoolean}).
 *   <li>a keyword argument's value is a whole expression: {@code namespace(i=messages|length - 1)};
 *       Jinjava binds {@code name=} like an additive operator, so it subtracted 1 from the
 *       parameter instead of from the length.
 *   <li>filters and tests chain in any order: {@code flag | default(false) is false}; Jinjava
 *       accepts either a filter chain or one test after a value, not a test after filters.
 * </ul>
 */
final class PyExpressionParser extends ExtendedParser {

    PyExpressionParser(Builder context, String input) {
        super(context, input);
    }

    @Override
    protected AstNode and(boolean required) throws ScanException, ParseException {
        AstNode v = not(required);
        if (v == null) {
            return null;
        }
        while (true) {
            switch (getToken().getSymbol()) {
                case AND -> {
                    consumeToken();
                    v = createAstBinary(v, not(true), AstBinary.AND);
                }
                case EXTENSION -> {
                    if (getExtensionHandler(getToken()).getExtensionPoint()
                            != Parser.ExtensionPoint.AND) {
                        return v;
                    }
                    v = getExtensionHandler(consumeToken()).createAstNode(v, not(true));
                }
                default -> {
                    return v;
                }
            }
        }
    }

    private AstNode not(boolean required) throws ScanException, ParseException {
        if (getToken().getSymbol() == Symbol.NOT) {
            consumeToken();
            return createAstUnary(not(true), AstUnary.NOT);
        }
        return eq(required);
    }

    @Override
    protected AstNode add(boolean required) throws ScanException, ParseException {
        if (getToken().getSymbol() == Symbol.IDENTIFIER && "=".equals(lookahead(0).getImage())) {
            String name = consumeToken().getImage();
            consumeToken();
            return new AstNamedParameter(identifier(name), expr(true));
        }
        return super.add(required);
    }

    @Override
    protected AstNode filter(boolean required) throws ScanException, ParseException {
        AstNode v = unary(required);
        if (v == null) {
            return null;
        }
        while (true) {
            if ("|".equals(getToken().getImage()) && lookahead(0).getSymbol() == Symbol.IDENTIFIER) {
                v = parseFiltersAsNestedMethods(v);
            } else if ("is".equals(getToken().getImage()) && "not".equals(lookahead(0).getImage())
                    && isTestName(lookahead(1).getSymbol())) {
                consumeToken();
                consumeToken();
                v = test(v, "evaluateNegated");
            } else if ("is".equals(getToken().getImage()) && isTestName(lookahead(0).getSymbol())) {
                consumeToken();
                v = test(v, "evaluate");
            } else {
                return v;
            }
        }
    }

    /** {@code value is name [argument]}, built the way Jinjava's own parser builds tests. */
    private AstNode test(AstNode value, String method) throws ScanException, ParseException {
        String name = consumeToken().getImage();
        List<AstNode> params = new ArrayList<>(List.of(value, interpreter()));
        AstNode argument = value();
        if (argument != null) {
            params.add(argument);
        } else if (("defined".equals(name) || "undefined".equals(name))
                && value instanceof AstIdentifier variable) {
            // PyDefinedTest tells a name bound to None from an unbound one by looking the name up.
            params.add(new AstString(variable.getName()));
        }
        AstProperty test = createAstDot(identifier(EXPTEST_PREFIX + name), method, true);
        return createAstMethod(test, createAstParameters(params));
    }

    /** Test names may lex as operators or literals: "is eq", "is in", "is true". */
    private static boolean isTestName(Symbol symbol) {
        return switch (symbol) {
            case IDENTIFIER, EQ, NE, LT, LE, GT, GE, TRUE, FALSE -> true;
            default -> symbol == CollectionMembershipOperator.TOKEN.getSymbol();
        };
    }

    @Override
    protected AstBinary createAstBinary(AstNode left, AstNode right, AstBinary.Operator operator) {
        AstBinary.Operator python = operator == AdditionOperator.OP ? PyAddition.OP
                : operator == AstBinary.AND ? PyBoolean.AND
                : operator == OrOperator.OP || operator == AstBinary.OR ? PyBoolean.OR
                : operator;
        return super.createAstBinary(left, right, python);
    }

    /** Plugs the parser into Jinjava's expression factory. */
    static final class SyntaxBuilder extends ExtendedSyntaxBuilder {

        SyntaxBuilder(Feature... features) {
            super(features);
        }

        @Override
        protected Parser createParser(String expression) {
            return new PyExpressionParser(this, expression);
        }
    }
}
