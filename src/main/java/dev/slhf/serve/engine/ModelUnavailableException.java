package dev.slhf.serve.engine;

/**
 * The request names a configured model that is not being served: it was marked optional and
 * failed to load at start-up. The server's problem, not the client's, so it is retryable (503).
 */
public class ModelUnavailableException extends EngineException {

    public ModelUnavailableException(String param, String model, String reason) {
        super("The model '" + model + "' is configured but not available: it failed to load at start-up (" + reason
                + ")", param, null);
    }

    @Override
    public String code() {
        return "model_unavailable";
    }
}
