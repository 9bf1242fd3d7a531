package dev.slhf.serve.engine;

/** The bounded waiting queue is full; the caller should retry after a short delay. */
public class EngineOverloadedException extends EngineException {

    private final int retryAfterSeconds;

    public EngineOverloadedException(String model, int retryAfterSeconds) {
        super("Model '" + model + "' is at capacity; retry shortly", null, null);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Overload of something other than a model's queue (the server's response memory), in its own words. */
    public EngineOverloadedException(String message, int retryAfterSeconds, Throwable cause) {
        super(message, null, cause);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    @Override
    public String code() {
        return "server_overloaded";
    }
}
