package dev.slhf.serve.engine;

/**
 * How a generation enters an engine's waiting queue. Admission is decided once per request, not
 * once per generation: the first generation of a request is {@link #NEW} and may be refused with
 * {@link EngineOverloadedException} (a 429 before the response starts); the later generations of
 * an accepted request (follower rounds) are {@link #RESERVED}: never refused for a full queue, and
 * taken ahead of new requests so that an accepted refinement is finished before new work starts.
 */
public enum Admission {
    /** A request's first generation: counted against {@code max-waiting}, refused when it is full. */
    NEW,
    /** A later round of an accepted request: always queued, ahead of every NEW one. */
    RESERVED
}
