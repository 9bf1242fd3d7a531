package dev.slhf.serve.engine;

/** The caller asked for something invalid: a client mistake, never retried as-is. */
public class InvalidRequestException extends EngineException {

    private final String code;

    public InvalidRequestException(String param, String message) {
        this(param, message, null);
    }

    public InvalidRequestException(String param, String message, String code) {
        super(message, param, null);
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }
}
