package dev.slhf.serve.model.template;

import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.interpret.TemplateError.ErrorItem;
import com.hubspot.jinjava.interpret.TemplateError.ErrorReason;
import com.hubspot.jinjava.interpret.TemplateError.ErrorType;
import java.util.List;

/**
 * Turns the errors Jinjava collects (it keeps rendering and returns partial output) into
 * exceptions, because a partially rendered prompt must never reach the model.
 */
final class RenderErrors {

    private RenderErrors() {}

    /** Fails with the first real error Jinjava collected; {@code stage} says parse or render. */
    static void throwIfFailed(List<TemplateError> errors, String stage) {
        for (TemplateError error : errors) {
            TemplateException raised = raisedBy(error.getException());
            if (raised != null) {
                // Report the template's own message even if Jinjava logged something before it.
                throw new TemplateException(raised.getMessage());
            }
        }
        for (TemplateError error : errors) {
            if (!isUndefinedAttribute(error)) {
                throw toException(errors, error.getException(), stage);
            }
        }
    }

    /**
     * The one report that is not a failure: reading a missing attribute ({@code message.name}),
     * which jinja2 also allows (it is undefined and prints as ""). Everything else, warnings
     * included, means Jinjava rendered something jinja2 would have refused, e.g. a stray
     * {% endif %} is only a warning in Jinjava.
     */
    private static boolean isUndefinedAttribute(TemplateError error) {
        return error.getSeverity() == ErrorType.WARNING && error.getReason() == ErrorReason.UNKNOWN
                && error.getItem() == ErrorItem.PROPERTY;
    }

    static RuntimeException toException(List<TemplateError> errors, Throwable cause,
            String stage) {
        TemplateException raised = raisedBy(cause);
        if (raised != null) {
            return new TemplateException(raised.getMessage());
        }
        StringBuilder message = new StringBuilder("chat template failed to " + stage);
        for (TemplateError e : errors) {
            message.append("; ").append(describe(e));
        }
        if (errors.isEmpty() && cause != null) {
            message.append(": ").append(cause);
        }
        return new TemplateRenderException(message.toString(), cause);
    }

    // No line number: Jinjava counts lines of the prepared source (JinjaSource drops comments and
    // stripped newlines), which would point at the wrong line of the model's template.
    private static String describe(TemplateError e) {
        return e.getSeverity() + " " + e.getReason() + ": " + e.getMessage();
    }

    private static TemplateException raisedBy(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof TemplateException raised) {
                return raised;
            }
        }
        return null;
    }
}
