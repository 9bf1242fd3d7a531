package dev.slhf.serve.engine;

/** Life cycle of a sequence inside the engine loop. */
enum SequenceState {
    /** Queued, no KV cache yet. */
    WAITING,
    /** Prompt being fed, possibly in chunks. */
    PREFILL,
    /** One token per step. */
    DECODE,
    /** Ended (stop, length, failure or cancellation); KV cache released. */
    FINISHED
}
