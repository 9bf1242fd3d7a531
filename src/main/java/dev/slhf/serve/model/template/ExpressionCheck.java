package dev.slhf.serve.model.template;

import com.hubspot.jinjava.tree.ExpressionNode;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.parse.ExpressionToken;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jinjava.de.odysseus.el.tree.TreeBuilderException;
import jinjava.de.odysseus.el.tree.impl.Builder.Feature;

/**
 * Compiles every expression of a parsed template once, up front. Jinjava only parses an
 * expression when rendering reaches it, so a typo in a rarely taken branch (the tools branch,
 * say) would surface on some later request; jinja2 rejects it when the template is loaded, and
 * so does this.
 */
final class ExpressionCheck {

    private static final PyExpressionParser.SyntaxBuilder PARSER =
            new PyExpressionParser.SyntaxBuilder(Feature.METHOD_INVOCATIONS, Feature.VARARGS);
    private static final Pattern IN = Pattern.compile("\\sin\\s");
    // The '=' of "set x = ...", not part of ==, !=, <=, >=.
    private static final Pattern ASSIGN = Pattern.compile("(?<![=!<>])=(?!=)");

    private ExpressionCheck() {}

    static void compileAll(Node node) {
        if (node instanceof ExpressionNode) {
            compile(((ExpressionToken) node.getMaster()).getExpr());
        } else if (node instanceof TagNode tag) {
            String helpers = tag.getHelpers();
            switch (tag.getName()) {
                case "if", "elif" -> compile(helpers);
                case "for" -> {
                    Matcher in = IN.matcher(helpers);
                    if (in.find()) {
                        compile(helpers.substring(in.end()));
                    }
                }
                case "set" -> {
                    Matcher assign = ASSIGN.matcher(helpers);
                    if (assign.find()) {
                        compile(helpers.substring(assign.end()));
                    }
                }
                default -> { }
            }
        }
        for (Node child : node.getChildren()) {
            compileAll(child);
        }
    }

    private static void compile(String expression) {
        if (expression == null || expression.isBlank()) {
            return;
        }
        try {
            PARSER.build("#{" + expression.trim() + "}");
        } catch (TreeBuilderException e) {
            throw new TemplateRenderException("chat template has a syntax error in '"
                    + expression.trim() + "': " + e.getMessage(), e);
        }
    }
}
