package dev.slhf.serve.engine;

import dev.slhf.serve.model.ForwardBatch;
import dev.slhf.serve.model.KvCache;
import dev.slhf.serve.model.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One generation inside the engine: its prompt, its sampler and the text pipeline (detokenizer →
 * decode options → stop-string matcher → listener). While it prefills it owns a batch-1 KV cache; once decoding,
 * its keys and values are a row of the engine's {@link DecodeBatch}. Touched only by the engine
 * thread, except {@link #requestCancel()}.
 */
final class Sequence {

    private final GenerationRequest request;
    private final GenerationHandle handle;
    private final Sampler sampler;
    private final IncrementalDetokenizer detokenizer;
    // Null unless the checkpoint sets clean_up_tokenization_spaces.
    private final SpaceCleanupStream spaceCleanup;
    private final StopStringMatcher stopStrings;
    private final Set<Integer> stopTokenIds;
    private final int maxTokens;
    private final long submittedAt = System.nanoTime();
    private final List<Integer> generated = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private final Tokenizer tokenizer;
    private final List<TokenLogprob> logprobs = new ArrayList<>();
    private final List<TokenLogprob> pendingLogprobs = new ArrayList<>();
    /** Prompt then generated tokens, where prompt lookup searches. */
    private int[] context;
    private int contextUsed;
    /** Created with the first proposal: the engine's k is not known before. */
    private ProposalPacer pacer;

    private SequenceState state = SequenceState.WAITING;
    private FinishReason finishReason;
    private KvCache cache;
    private int prefilled;
    private int lastToken = -1;
    private long startedAt;
    private long firstTokenAt;
    private volatile boolean cancelRequested;
    private boolean prefillAlone;

    Sequence(GenerationRequest request, Tokenizer tokenizer, Set<Integer> stopTokenIds, int maxTokens,
            Runnable cancelHook) {
        this.request = request;
        this.tokenizer = tokenizer;
        this.handle = new GenerationHandle(cancelHook);
        this.sampler = new Sampler(request.params());
        this.sampler.observeAll(request.promptIds());
        this.detokenizer = new IncrementalDetokenizer(tokenizer, true);
        this.spaceCleanup = tokenizer.decodeOptions().cleanUpTokenizationSpaces()
                ? new SpaceCleanupStream() : null;
        this.stopStrings = new StopStringMatcher(request.params().stop());
        this.stopTokenIds = request.params().ignoreEos() ? Set.of() : stopTokenIds;
        this.maxTokens = maxTokens;
        this.context = java.util.Arrays.copyOf(request.promptIds(), request.promptIds().length + 64);
        this.contextUsed = request.promptIds().length;
    }

    String role() {
        return request.role();
    }

    GenerationHandle handle() {
        return handle;
    }

    SequenceState state() {
        return state;
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    void requestCancel() {
        cancelRequested = true;
    }

    /** True once the request's deadline (if it has one) has passed. */
    boolean pastDeadline() {
        Deadline deadline = request.params().deadline();
        return deadline != null && deadline.passed();
    }

    Deadline deadline() {
        return request.params().deadline();
    }

    /** Leaves the queue and starts prefill; the cache comes with the first prefill pass. */
    void start() {
        this.startedAt = System.nanoTime();
        this.state = SequenceState.PREFILL;
    }

    /** Set after a shared prefill pass failed: this one is retried on its own, so only a culprit fails. */
    void prefillAlone() {
        prefillAlone = true;
    }

    boolean mustPrefillAlone() {
        return prefillAlone;
    }

    /** True until the first prefill pass: such sequences can be prefilled together in one batch. */
    boolean prefillNotStarted() {
        return state == SequenceState.PREFILL && prefilled == 0 && cache == null;
    }

    /**
     * Takes ownership of a batch-1 cache to prefill in chunks; it holds the first
     * {@code cachedPrefix} prompt positions already (a prefix cache hit), or none.
     */
    void adoptCache(KvCache own, int cachedPrefix) {
        if (own.length() != cachedPrefix || cachedPrefix >= promptLength()) {
            own.close();
            throw new IllegalArgumentException("a chunked prefill starts from " + cachedPrefix + " of "
                    + promptLength() + " prompt positions, not from a cache of " + own.length());
        }
        this.cache = own;
        this.prefilled = cachedPrefix;
    }

    long queueNanos() {
        return startedAt - submittedAt;
    }

    /** The sequence's own cache while it prefills; null once its rows live in the decode batch. */
    KvCache cache() {
        return cache;
    }

    /** Hands the own cache over to the decode batch, which owns it from now on. */
    KvCache takeCache() {
        KvCache c = cache;
        cache = null;
        return c;
    }

    int promptLength() {
        return request.promptIds().length;
    }

    /** The next prefill input: at most {@code chunk} prompt tokens after those already cached. */
    ForwardBatch nextPrefillChunk(int chunk) {
        int end = Math.min(promptLength(), prefilled + chunk);
        return ForwardBatch.single(request.promptIds(), prefilled, end, cache.length());
    }

    /**
     * Marks the whole prompt as prefilled by a batched pass whose cache the decode batch holds,
     * and samples the first token.
     */
    void prefilledInBatch(float[] logits, int offset, int vocab, int contextLength) {
        prefilled = promptLength();
        state = SequenceState.DECODE;
        sampleNext(logits, offset, vocab, contextLength);
    }

    int[] promptIds() {
        return request.promptIds();
    }

    /**
     * Installs the cache produced by a prefill chunk (closing the old one); after the last chunk,
     * samples the first token from {@code logits[offset..]}.
     */
    void prefilled(ForwardBatch chunk, KvCache next, float[] logits, int offset, int vocab, int contextLength) {
        cache.close();
        cache = next;
        prefilled += chunk.seqLen();
        if (prefilled == promptLength()) {
            state = SequenceState.DECODE;
            sampleNext(logits, offset, vocab, contextLength);
        }
    }

    /** Token to feed in the next decode step. */
    int lastToken() {
        return lastToken;
    }

    /** Positions whose keys/values are cached: the prompt and every generated token but the last. */
    int cachedLength() {
        return promptLength() + generated.size() - 1;
    }

    /** Positions this sequence holds in a KV cache right now: its prefilled prompt, then the cached length. */
    int heldPositions() {
        return generated.isEmpty() ? prefilled : cachedLength();
    }

    /** Samples the next token from a logits row, then applies the stop and length rules. */
    void sampleNext(float[] logits, int offset, int vocab, int contextLength) {
        // The sampler edits the row in place (penalties), so logprobs need the raw row first.
        float[] raw = request.params().wantsLogprobs() ? java.util.Arrays.copyOfRange(logits, offset, offset + vocab) : null;
        append(sampler.sample(logits, offset, vocab), raw, contextLength);
    }

    /**
     * The proposal for the next verify pass: at most as many tokens as the sequence may still
     * generate after the one the pass adds anyway, and no position beyond the context.
     */
    int[] propose(PromptLookupProposer proposer, int contextLength) {
        if (pacer == null) {
            pacer = new ProposalPacer(proposer.maxTokens());
        }
        int allowance = pacer.allowance();
        int limit = Math.min(allowance, Math.min(maxTokens - generated.size() - 1, contextLength - 1 - cachedLength()));
        return limit <= 0 ? new int[0] : proposer.propose(context, contextUsed, promptLength(), limit);
    }

    /**
     * Accepts what it can of {@code proposal} from a verify pass's logits (position j of this row
     * at {@code offset + j * vocab}); see {@link SpeculativeVerifier}. Returns the number of
     * proposed tokens accepted.
     */
    int verify(int[] proposal, float[] logits, int offset, int vocab, int contextLength) {
        int accepted = SpeculativeVerifier.verify(sampler, proposal, logits, offset, vocab,
                request.params().wantsLogprobs(), (token, raw) -> {
                    append(token, raw, contextLength);
                    return !finished();
                });
        pacer.outcome(proposal.length, accepted);
        return accepted;
    }

    /** Adds one chosen token, then applies the stop and length rules. */
    private void append(int token, float[] raw, int contextLength) {
        if (raw != null) {
            TokenLogprob lp = Logprobs.of(raw, token, request.params().topLogprobs(), tokenizer);
            logprobs.add(lp);
            pendingLogprobs.add(lp);
        }
        if (generated.isEmpty()) {
            firstTokenAt = System.nanoTime();
        }
        generated.add(token);
        if (contextUsed == context.length) {
            context = java.util.Arrays.copyOf(context, context.length * 2);
        }
        context[contextUsed++] = token;
        sampler.observe(token);
        lastToken = token;
        if (stopTokenIds.contains(token)) {
            finish(FinishReason.STOP);
            return;
        }
        emit(stopStrings.push(decoded(token)));
        if (stopStrings.matched()) {
            finish(FinishReason.STOP);
        } else if (generated.size() >= maxTokens || cachedLength() + 1 >= contextLength) {
            finish(FinishReason.LENGTH);
        }
    }

    /** Text pipeline: detokenizer, then the checkpoint's decode options, then stop strings. */
    private String decoded(int token) {
        String raw = detokenizer.push(token);
        return spaceCleanup == null ? raw : spaceCleanup.push(raw);
    }

    private String decodedRest() {
        String raw = detokenizer.flush();
        return spaceCleanup == null ? raw : spaceCleanup.flush(raw);
    }

    private void emit(String piece) {
        if (!piece.isEmpty()) {
            text.append(piece);
            notify(new GenerationEvent.Delta(piece, generated.size() - 1, takePendingLogprobs()));
        }
    }

    /**
     * Delivers an event. A listener that throws has lost its consumer (a closed connection, say):
     * the sequence is cancelled rather than letting the failure reach the engine loop.
     */
    private void notify(GenerationEvent event) {
        try {
            request.listener().accept(event);
        } catch (RuntimeException e) {
            cancelRequested = true;
        }
    }

    private List<TokenLogprob> takePendingLogprobs() {
        if (pendingLogprobs.isEmpty()) {
            return List.of();
        }
        List<TokenLogprob> out = List.copyOf(pendingLogprobs);
        pendingLogprobs.clear();
        return out;
    }

    private void finish(FinishReason reason) {
        if (reason != FinishReason.STOP || !stopStrings.matched()) {
            emit(stopStrings.push(decodedRest()));
            if (!stopStrings.matched()) {
                emit(stopStrings.flush());
            } else {
                reason = FinishReason.STOP;
            }
        }
        if (!pendingLogprobs.isEmpty()) {
            // tokens that added no text (a stop token, a held-back stop string) still report logprobs
            notify(new GenerationEvent.Delta("", generated.size() - 1, takePendingLogprobs()));
        }
        finishReason = reason;
        release();
        long now = System.nanoTime();
        GenerationResult result = new GenerationResult(text.toString(), List.copyOf(generated), reason,
                request.promptIds().length, generated.size(), startedAt - submittedAt,
                firstTokenAt == 0 ? 0 : firstTokenAt - submittedAt, now - submittedAt, List.copyOf(logprobs));
        notify(new GenerationEvent.Finished(result));
        handle.future().complete(result);
    }

    /** Ends the sequence with an error; safe in any state. */
    void fail(EngineException error) {
        if (state == SequenceState.FINISHED) {
            return;
        }
        release();
        notify(new GenerationEvent.Failed(error));
        handle.future().completeExceptionally(error);
    }

    boolean finished() {
        return state == SequenceState.FINISHED;
    }

    /** Finished by a stop or length rule, not failed or cancelled: its KV is complete and valid. */
    boolean completed() {
        return finishReason != null;
    }

    /** The tokens whose keys/values are cached: the prompt, then every generated token but the last. */
    int[] cachedTokens() {
        int[] prompt = request.promptIds();
        int[] out = java.util.Arrays.copyOf(prompt, cachedLength());
        for (int i = prompt.length; i < out.length; i++) {
            out[i] = generated.get(i - prompt.length);
        }
        return out;
    }

    private void release() {
        state = SequenceState.FINISHED;
        if (cache != null) {
            cache.close();
            cache = null;
        }
    }
}
