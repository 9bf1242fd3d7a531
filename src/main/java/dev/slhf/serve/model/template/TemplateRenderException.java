package dev.slhf.serve.model.template;

/**
 * The chat template itself is broken or uses something this renderer cannot evaluate (syntax
 * error, unknown filter, type error). Unlike {@link TemplateException} this is a server-side
 * problem with the model's template, not with the request.
 */
public final class TemplateRenderException extends RuntimeException {

    public TemplateRenderException(String message) {
        super(message);
    }

    public TemplateRenderException(String message, Throwable cause) {
        super(message, cause);
    }
}
