package dev.slhf.serve.model.template;

/** Global functions Hugging Face adds to the template environment. */
final class TemplateFunctions {

    private TemplateFunctions() {}

    /** {@code raise_exception(msg)}: the template's way to reject a conversation. */
    public static Object raiseException(Object message) {
        throw new TemplateException(String.valueOf(message));
    }
}
