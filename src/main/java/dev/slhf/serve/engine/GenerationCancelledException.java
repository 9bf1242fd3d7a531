package dev.slhf.serve.engine;

/** The generation was cancelled (client gone, timeout, shutdown) before it finished. */
public class GenerationCancelledException extends EngineException {

    public GenerationCancelledException(String reason) {
        super("generation cancelled: " + reason, null, null);
    }

    @Override
    public String code() {
        return "cancelled";
    }
}
