package dev.slhf.serve.model.template;

/**
 * The chat template rejected its input by calling {@code raise_exception(message)}, e.g.
 * "Conversation roles must alternate ...". This is the caller's fault (HTTP 400): the message is
 * exactly the template's, so it can be shown to the client unchanged.
 */
public final class TemplateException extends RuntimeException {

    public TemplateException(String message) {
        super(message);
    }
}
