package dev.slhf.serve.refine;

/**
 * Progress of a refinement as it happens, for streaming. Called on engine threads: implementations
 * must not block.
 */
public interface RefinementListener {

    RefinementListener NONE = new RefinementListener() {};

    default void roundStarted(int round, Role role, String model) {}

    default void delta(int round, String text) {}

    default void roundFinished(Round round) {}
}
