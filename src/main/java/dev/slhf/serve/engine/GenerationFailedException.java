package dev.slhf.serve.engine;

/** The runtime failed while generating: the server's fault, reported only to affected requests. */
public class GenerationFailedException extends EngineException {

    public GenerationFailedException(String message, Throwable cause) {
        super(message, null, cause);
    }

    @Override
    public String code() {
        return "generation_failed";
    }
}
