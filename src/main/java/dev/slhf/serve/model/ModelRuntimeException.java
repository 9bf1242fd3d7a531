package dev.slhf.serve.model;

/** The inference runtime failed during a forward pass (not a client mistake). */
public class ModelRuntimeException extends RuntimeException {
    public ModelRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
