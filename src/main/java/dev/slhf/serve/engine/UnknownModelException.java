package dev.slhf.serve.engine;

/** A request named a model that is not loaded. */
public class UnknownModelException extends EngineException {

    public UnknownModelException(String param, String name) {
        super("The model '" + name + "' does not exist", param, null);
    }

    @Override
    public String code() {
        return "model_not_found";
    }
}
