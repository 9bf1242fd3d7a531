package dev.slhf.serve.engine;

/**
 * What a running generation reports to its caller, in order: any number of {@link Delta}s, then
 * exactly one {@link Finished} or {@link Failed}. Delivered on the engine thread: listeners must
 * return quickly and never block.
 */
public sealed interface GenerationEvent {

    /** A piece of text that will not change any more (never half a UTF-8 character, never part of a stop string). */
    /**
     * @param logprobs the tokens generated since the previous delta with their log-probabilities,
     *                 when requested (empty otherwise)
     */
    record Delta(String text, int tokenIndex, java.util.List<TokenLogprob> logprobs) implements GenerationEvent {}

    record Finished(GenerationResult result) implements GenerationEvent {}

    record Failed(EngineException error) implements GenerationEvent {}
}
