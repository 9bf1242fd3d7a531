package dev.slhf.serve.model.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.IfTag;
import com.hubspot.jinjava.tree.TagNode;

/** {% if %}/{% elif %} deciding with Python truthiness ({@link PyTruth}). */
final class PyIfTag extends IfTag {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean isPositiveIfElseNode(TagNode tagNode, JinjavaInterpreter interpreter) {
        return PyTruth.of(interpreter.resolveELExpression(tagNode.getHelpers(),
                tagNode.getLineNumber(), tagNode.getStartPosition()));
    }
}
