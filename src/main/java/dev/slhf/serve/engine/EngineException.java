package dev.slhf.serve.engine;

/**
 * Base of the failures the engine reports to callers. Each carries the OpenAI error {@code type},
 * {@code code} and {@code param}; the HTTP layer maps subclasses to a status in one place.
 */
public abstract class EngineException extends RuntimeException {

    private final String param;

    protected EngineException(String message, String param, Throwable cause) {
        super(message, cause);
        this.param = param;
    }

    /** The request field at fault, or null. */
    public String param() {
        return param;
    }

    /** OpenAI-style error code, or null. */
    public abstract String code();
}
