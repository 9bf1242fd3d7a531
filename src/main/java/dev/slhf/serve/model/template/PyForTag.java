package dev.slhf.serve.model.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter.InterpreterScopeClosable;
import com.hubspot.jinjava.lib.tag.ElseTag;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.parse.TagToken;
import com.hubspot.jinjava.util.ObjectIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code for} with the two jinja2 features Jinjava gets silently wrong:
 * <ul>
 *   <li>the loop filter, {@code {% for m in messages if m.role != 'system' %}}: Jinjava reads
 *       "messages if cond" as a conditional expression evaluated once, before the loop variable
 *       exists, so the filter is ignored. Here items are filtered first, so {@code loop.index}
 *       and {@code loop.last} count only the survivors, as in jinja2;
 *   <li>{@code {% else %}} inside for, rendered only when there was nothing to iterate; Jinjava
 *       renders the else branch as part of every iteration.
 * </ul>
 */
final class PyForTag extends ForTag {

    private static final long serialVersionUID = 1L;
    private static final Pattern IN = Pattern.compile("\\sin\\s");

    @Override
    public String interpretUnchecked(TagNode tagNode, JinjavaInterpreter interpreter) {
        String helpers = tagNode.getHelpers();
        Matcher in = IN.matcher(helpers);
        int filterAt = in.find() ? filterKeyword(helpers, in.end()) : -1;
        int elseAt = elseIndex(tagNode);
        if (filterAt < 0 && elseAt < 0) {
            return super.interpretUnchecked(tagNode, interpreter);
        }
        int line = tagNode.getLineNumber();
        List<String> loopVars = new ArrayList<>();
        for (String v : helpers.substring(0, in.start()).split(",")) {
            loopVars.add(v.trim());
        }
        String iterable = helpers.substring(in.end(), filterAt < 0 ? helpers.length() : filterAt);
        List<Object> items = new ArrayList<>();
        ObjectIterator.getLoop(interpreter.resolveELExpression(iterable, line))
                .forEachRemaining(items::add);
        if (filterAt >= 0) {
            items = filter(items, loopVars, helpers.substring(filterAt + 2), line, interpreter);
        }
        if (elseAt < 0) {
            return renderForCollection(tagNode, interpreter, loopVars, items);
        }
        List<Node> children = tagNode.getChildren();
        if (items.isEmpty()) {
            return renderAll(children.subList(elseAt + 1, children.size()), interpreter);
        }
        return renderForCollection(withChildren(tagNode, children.subList(0, elseAt)), interpreter,
                loopVars, items);
    }

    private static List<Object> filter(List<Object> items, List<String> loopVars,
            String condition, int line, JinjavaInterpreter interpreter) {
        List<Object> kept = new ArrayList<>();
        try (InterpreterScopeClosable scope = interpreter.enterScope()) {
            for (Object item : items) {
                bind(interpreter, loopVars, interpreter.wrap(item));
                if (PyTruth.of(interpreter.resolveELExpression(condition, line))) {
                    kept.add(item);
                }
            }
        }
        return kept;
    }

    private static void bind(JinjavaInterpreter interpreter, List<String> vars, Object item) {
        if (vars.size() == 1) {
            interpreter.getContext().put(vars.get(0), item);
            return;
        }
        List<?> parts = item instanceof Map.Entry<?, ?> e ? Arrays.asList(e.getKey(), e.getValue())
                : item instanceof List<?> l ? l : List.of();
        for (int i = 0; i < vars.size(); i++) {
            interpreter.getContext().put(vars.get(i), i < parts.size() ? parts.get(i) : null);
        }
    }

    private static int elseIndex(TagNode tagNode) {
        List<Node> children = tagNode.getChildren();
        for (int i = 0; i < children.size(); i++) {
            if (children.get(i) instanceof TagNode t && ElseTag.TAG_NAME.equals(t.getName())) {
                return i;
            }
        }
        return -1;
    }

    /** A per-render stand-in for the loop node holding only the loop body; the tree is shared. */
    private TagNode withChildren(TagNode original, List<Node> children) {
        TagNode body = new TagNode(this, (TagToken) original.getMaster(), original.getSymbols());
        body.getChildren().addAll(children);
        return body;
    }

    private static String renderAll(List<Node> nodes, JinjavaInterpreter interpreter) {
        StringBuilder out = new StringBuilder();
        try (InterpreterScopeClosable scope = interpreter.enterScope()) {
            for (Node node : nodes) {
                out.append(node.render(interpreter).getValue());
            }
        }
        return out.toString();
    }

    /** Index of a top-level "if" word (outside strings and brackets) at or after from, or -1. */
    static int filterKeyword(String s, int from) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (depth == 0 && s.startsWith("if", i)
                    && Character.isWhitespace(s.charAt(i - 1))
                    && (i + 2 == s.length() || Character.isWhitespace(s.charAt(i + 2)))) {
                return i;
            }
        }
        return -1;
    }
}
