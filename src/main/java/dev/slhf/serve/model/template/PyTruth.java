package dev.slhf.serve.model.template;

import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.util.ObjectTruthValue;

/**
 * Python truthiness. Jinjava treats the string "false" (any case) as false, so a message whose
 * content is "False" would vanish from {% if message.content %} branches.
 */
final class PyTruth {

    private PyTruth() {}

    static boolean of(Object value) {
        if (value instanceof String || value instanceof SafeString) {
            return !value.toString().isEmpty();
        }
        return ObjectTruthValue.evaluate(value);
    }
}
