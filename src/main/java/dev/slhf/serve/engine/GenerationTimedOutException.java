package dev.slhf.serve.engine;

/**
 * The request ran past its time limit ({@code slhf.limits.request-timeout}); the engine stopped
 * its generation and freed the slot. A cancellation by the server, so it is counted with them.
 */
public class GenerationTimedOutException extends GenerationCancelledException {

    public GenerationTimedOutException(Deadline deadline) {
        super("the request did not finish within its time limit of " + deadline.budget().toMillis() / 1000.0 + " s");
    }

    @Override
    public String code() {
        return "request_timeout";
    }
}
