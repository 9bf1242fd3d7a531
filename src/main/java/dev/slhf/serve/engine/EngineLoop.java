package dev.slhf.serve.engine;

import dev.slhf.serve.model.CausalLm;
import dev.slhf.serve.model.ForwardBatch;
import dev.slhf.serve.model.ForwardResult;
import dev.slhf.serve.model.KvCache;
import dev.slhf.serve.model.ModelRuntimeException;
import dev.slhf.serve.model.Tokenizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one thread that owns a model: its session, every KV cache and the running set (the shape
 * of vLLM's EngineCore and llama.cpp's server loop). Other threads only {@link #submit} into a
 * bounded queue and cancel; cancellations take effect between steps.
 *
 * <p>Continuous batching: each step admits waiting sequences up to {@code maxBatchSize}, runs one
 * prefill pass (new prompts together, or one chunk of a long prompt, within the step's token
 * budget), then one batched forward pass for every decoding sequence. A sequence that finishes leaves the batch
 * at once; one whose prefill completes joins it at the next step.
 */
public final class EngineLoop implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EngineLoop.class.getName());

    private final String modelName;
    private final CausalLm lm;
    private final Tokenizer tokenizer;
    private final Set<Integer> stopTokenIds;
    private final int contextLength;
    private final EngineSettings settings;
    private final AdmissionQueue waiting;
    private final List<Sequence> prefilling = new ArrayList<>();
    private final DecodeBatch batch;
    private final PrefixReuse prefixes;
    private final EngineMetrics metrics;
    private final Thread thread;
    private volatile boolean stopping;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set by {@link #abortAll}; the engine thread fails everything in flight at its next step. */
    private volatile EngineException abort;
    private volatile int runningCount;
    /** KV positions held by the running set, published after each step for the usage gauge. */
    private volatile long heldPositions;

    public EngineLoop(String modelName, CausalLm lm, Tokenizer tokenizer, Set<Integer> stopTokenIds, int contextLength,
            EngineSettings settings) {
        this(modelName, lm, tokenizer, stopTokenIds, contextLength, settings, EngineMetrics.NONE);
    }

    public EngineLoop(String modelName, CausalLm lm, Tokenizer tokenizer, Set<Integer> stopTokenIds, int contextLength,
            EngineSettings settings, EngineMetrics metrics) {
        this.metrics = metrics;
        this.prefixes = new PrefixReuse(lm, settings.prefixCacheBytes(), metrics);
        this.batch = new DecodeBatch(lm, settings.speculativeTokens(), prefixes::retire);
        this.modelName = modelName;
        this.lm = lm;
        this.tokenizer = tokenizer;
        this.stopTokenIds = Set.copyOf(stopTokenIds);
        this.contextLength = contextLength;
        this.settings = settings;
        this.waiting = new AdmissionQueue(settings.maxWaiting());
        this.thread = new Thread(this::run, "engine-" + modelName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public int contextLength() {
        return contextLength;
    }

    public int waitingCount() {
        return waiting.size();
    }

    public int runningCount() {
        return runningCount;
    }

    /** Entries in the prefix cache now. */
    int prefixCacheEntries() {
        return prefixes.cache().size();
    }

    /** KV bytes held by the prefix cache (0 when it is off). */
    public long prefixCacheBytes() {
        return prefixes.cache().bytes();
    }

    /** Whether a request's first generation would be queued now rather than refused. */
    public boolean hasRoom() {
        return waiting.hasRoom();
    }

    /** Queues the first generation of a request ({@link Admission#NEW}). */
    public GenerationHandle submit(GenerationRequest request) {
        return submit(request, Admission.NEW);
    }

    /**
     * Fraction of this engine's KV capacity in use, in [0, 1]: positions whose keys/values the
     * running sequences hold, over {@code maxBatchSize × contextLength} (every slot full to the
     * context). Counts logical positions, not the padding a packed batch cache also allocates.
     */
    public double kvCacheUsage() {
        return (double) heldPositions / ((long) settings.maxBatchSize() * contextLength);
    }

    /**
     * Queues a generation. Validates it against the model's context first, so a client mistake
     * is reported synchronously and never occupies the queue.
     *
     * @throws InvalidRequestException    prompt or max_tokens beyond the context
     * @throws EngineOverloadedException  a NEW generation and the waiting queue is full (or the engine stops)
     */
    public GenerationHandle submit(GenerationRequest request, Admission admission) {
        int promptTokens = request.promptIds().length;
        Integer requested = request.params().maxTokens();
        if (promptTokens >= contextLength) {
            throw new InvalidRequestException("messages", "This model's maximum context length is " + contextLength
                    + " tokens. However, your prompt has " + promptTokens + " tokens, leaving no room to generate."
                    + " Please shorten the prompt.", "context_length_exceeded");
        }
        if (requested != null && (long) promptTokens + requested > contextLength) { // no int overflow at 2^31-1
            throw new InvalidRequestException("max_tokens", "This model's maximum context length is " + contextLength
                    + " tokens. However, you requested " + ((long) promptTokens + requested) + " tokens (" + promptTokens
                    + " in the prompt, " + requested + " for the completion). Please reduce max_tokens or the prompt.",
                    "context_length_exceeded");
        }
        if (settings.maxPromptTokens() > 0 && promptTokens > settings.maxPromptTokens()) {
            throw new InvalidRequestException("messages", "The prompt has " + promptTokens
                    + " tokens, more than this server's limit of " + settings.maxPromptTokens()
                    + " (slhf.limits.max-prompt-tokens). Please shorten the prompt.", "prompt_too_long");
        }
        if (settings.maxNewTokens() > 0 && requested != null && requested > settings.maxNewTokens()) {
            throw new InvalidRequestException("max_tokens", "max_tokens is " + requested + ", more than this server's"
                    + " limit of " + settings.maxNewTokens() + " (slhf.limits.max-tokens).", "max_tokens_too_large");
        }
        for (int id : request.promptIds()) {
            if (id < 0 || id >= lm.spec().vocabSize()) {
                throw new InvalidRequestException("prompt", "token id " + id + " is outside the vocabulary");
            }
        }
        request.params().adjustments().checkVocabulary(lm.spec().vocabSize());
        if (stopping) {
            throw new EngineOverloadedException(modelName, 1);
        }
        int maxTokens = requested != null ? requested : contextLength - promptTokens;
        if (requested == null && settings.maxNewTokens() > 0) {
            maxTokens = Math.min(maxTokens, settings.maxNewTokens());
        }
        Sequence[] self = new Sequence[1];
        Sequence seq = new Sequence(request, tokenizer, stopTokenIds, maxTokens, () -> cancel(self[0]));
        self[0] = seq;
        if (!waiting.offer(seq, admission)) {
            throw new EngineOverloadedException(modelName, 1);
        }
        return seq.handle();
    }

    private void cancel(Sequence seq) {
        seq.requestCancel();
        // Still queued: the engine never touched it, so it can be failed right here.
        if (waiting.remove(seq)) {
            metrics.cancelled();
            seq.fail(new GenerationCancelledException("cancelled before it started"));
        }
    }

    private void run() {
        try {
            while (!stopping) {
                EngineException reason = abort;
                if (reason != null) {
                    abort = null;
                    drain(reason);
                }
                admit();
                if (prefilling.isEmpty() && batch.size() == 0) {
                    continue;
                }
                applyCancellations();
                prefillStep();
                batch.step(lm.spec().vocabSize(), contextLength, metrics);
                batch.dropFinished();
                publishCounts();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "engine loop of model '" + modelName + "' died", e);
        } finally {
            drain(new GenerationCancelledException("model '" + modelName + "' is shutting down"));
            prefixes.close();
        }
    }

    private void admit() throws InterruptedException {
        if (prefilling.isEmpty() && batch.size() == 0) {
            Sequence first = waiting.poll(200, TimeUnit.MILLISECONDS);
            if (first == null) {
                return;
            }
            start(first);
        }
        while (prefilling.size() + batch.size() < settings.maxBatchSize()) {
            Sequence next = waiting.poll();
            if (next == null) {
                break;
            }
            start(next);
        }
        publishCounts();
    }

    private void start(Sequence seq) {
        if (seq.cancelRequested()) {
            metrics.cancelled();
            seq.fail(new GenerationCancelledException("cancelled before it started"));
            return;
        }
        if (seq.pastDeadline()) {
            timeOut(seq);
            return;
        }
        seq.start();
        metrics.dequeued(seq.queueNanos());
        prefilling.add(seq);
    }

    /** Cancellations take effect here, between steps, and free the sequence's batch slot at once. */
    private void applyCancellations() {
        for (Iterator<Sequence> it = prefilling.iterator(); it.hasNext(); ) {
            Sequence seq = it.next();
            if (seq.cancelRequested()) {
                cancel(seq, it);
            } else if (seq.pastDeadline()) {
                timeOut(seq);
                it.remove();
            }
        }
        batch.forEach(seq -> {
            if (seq.cancelRequested() && !seq.finished()) {
                metrics.cancelled();
                seq.fail(new GenerationCancelledException("cancelled by the caller"));
            } else if (!seq.finished() && seq.pastDeadline()) {
                timeOut(seq);
            }
        });
        batch.dropFinished();
        // Queued requests past their deadline are answered now rather than when a slot frees up.
        for (Sequence seq : waiting.snapshot()) {
            if (seq.pastDeadline() && waiting.remove(seq)) {
                timeOut(seq);
            }
        }
    }

    private void timeOut(Sequence seq) {
        metrics.cancelled();
        metrics.timedOut();
        seq.fail(new GenerationTimedOutException(seq.deadline()));
    }

    private void cancel(Sequence seq, Iterator<Sequence> it) {
        metrics.cancelled();
        seq.fail(new GenerationCancelledException("cancelled by the caller"));
        it.remove();
    }

    /**
     * Prompt work for this step, in arrival order, within what decoding leaves of the token
     * budget: either the not-yet-started prompts at the head of the line together in one
     * left-padded pass (a wave of arrivals gets its first tokens after one pass, not one pass
     * each), or the next chunk of a prompt too long for the budget. A prompt's length here is what
     * is left after its longest cached prefix.
     */
    private void prefillStep() {
        if (prefilling.isEmpty()) {
            return;
        }
        int budget = Math.max(1, settings.maxBatchTokens() - batch.size());
        List<Sequence> group = new ArrayList<>();
        List<PrefixCache.Match> matches = new ArrayList<>();
        int longest = 0;
        for (Sequence s : prefilling) {
            if (!s.prefillNotStarted() || (s.mustPrefillAlone() && !group.isEmpty())) {
                break;
            }
            PrefixCache.Match match = prefixes.match(s);
            int len = Math.max(longest, s.promptLength() - match.length());
            if ((group.size() + 1) * len > budget) {
                break;
            }
            group.add(s);
            matches.add(match);
            longest = len;
            if (s.mustPrefillAlone()) {
                break;
            }
        }
        if (!group.isEmpty()) {
            prefillTogether(group, matches);
        } else {
            prefillChunk(prefilling.get(0), budget);
        }
    }

    private void prefillTogether(List<Sequence> group, List<PrefixCache.Match> matches) {
        int b = group.size();
        prefilling.removeAll(group);
        long t0 = System.nanoTime();
        ForwardResult out;
        int length;
        try (PrefixReuse.Plan plan = prefixes.plan(group, matches)) {
            length = plan.batch.seqLen();
            out = lm.forward(plan.batch, plan.past);
            plan.succeeded(group);
        } catch (RuntimeException e) {
            if (b > 1) {
                // One prompt may be the cause: retry each on its own, so only the culprit fails.
                LOG.log(System.Logger.Level.WARNING, "prefill of " + b + " sequences of model '" + modelName
                        + "' failed; retrying them one by one: " + e);
                for (int i = b - 1; i >= 0; i--) {
                    group.get(i).prefillAlone();
                    prefilling.add(0, group.get(i));
                }
                return;
            }
            LOG.log(System.Logger.Level.ERROR, "prefill failed for a sequence of model '" + modelName + "'", e);
            group.get(0).fail(new GenerationFailedException("The model failed while reading the prompt: "
                    + e.getMessage(), e));
            return;
        }
        metrics.step(EngineMetrics.Phase.PREFILL, b, b * length, System.nanoTime() - t0);
        int vocab = lm.spec().vocabSize();
        boolean joined = false;
        for (int i = 0; i < b; i++) {
            Sequence seq = group.get(i);
            try {
                seq.prefilledInBatch(out.logits(), out.lastOffset(i, vocab), vocab, contextLength);
            } catch (RuntimeException e) {
                seq.fail(new GenerationFailedException("Generation failed: " + e, e));
            }
            if (!seq.finished()) {
                batch.join(seq, out.cache(), i);
                joined = true;
            }
        }
        if (!joined) {
            out.cache().close();
        }
    }

    private void prefillChunk(Sequence seq, int budget) {
        ForwardResult out = null;
        long t0 = System.nanoTime();
        try {
            if (seq.cache() == null) {
                prefixes.startChunked(seq);
            }
            ForwardBatch input = seq.nextPrefillChunk(budget);
            out = lm.forward(input, seq.cache());
            ForwardResult done = out;
            out = null; // the sequence owns the new cache from here on
            seq.prefilled(input, done.cache(), done.logits(), done.lastOffset(0, lm.spec().vocabSize()), lm.spec().vocabSize(),
                    contextLength);
            metrics.step(EngineMetrics.Phase.PREFILL, 1, input.seqLen(), System.nanoTime() - t0);
        } catch (ModelRuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "prefill failed for a sequence of model '" + modelName + "'", e);
            seq.fail(new GenerationFailedException("The model failed while reading the prompt: " + e.getMessage(), e));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "prefill step failed for a sequence of model '" + modelName + "'", e);
            seq.fail(new GenerationFailedException("Generation failed: " + e, e));
        } finally {
            if (out != null) {
                out.cache().close();
            }
        }
        if (seq.finished()) {
            prefilling.remove(seq);
        } else if (seq.state() == SequenceState.DECODE) {
            prefilling.remove(seq);
            batch.join(seq, seq.takeCache(), 0);
        }
    }

    private void drain(EngineException reason) {
        for (Sequence seq : prefilling) {
            metrics.cancelled();
            seq.fail(reason);
        }
        prefilling.clear();
        batch.forEach(s -> {
            if (!s.finished()) {
                metrics.cancelled();
            }
        });
        batch.failAll(reason);
        Sequence seq;
        while ((seq = waiting.poll()) != null) {
            metrics.cancelled();
            seq.fail(reason);
        }
        runningCount = 0;
        heldPositions = 0;
    }

    /** Engine thread only: what the gauges read between steps. */
    private void publishCounts() {
        runningCount = prefilling.size() + batch.size();
        long[] held = {0};
        prefilling.forEach(s -> held[0] += s.heldPositions());
        batch.forEach(s -> held[0] += s.heldPositions());
        heldPositions = held[0];
    }

    /**
     * Fails every queued and running generation with {@code reason} at the next step (within one
     * step, or 200 ms when idle) while the engine keeps accepting new work: how a draining server
     * ends what it could not finish in time, so each stream still gets its error event and end.
     */
    public void abortAll(EngineException reason) {
        abort = reason;
    }

    /** False once the engine thread has died: nothing would ever answer again (liveness). */
    public boolean isAlive() {
        return thread.isAlive();
    }

    /** Stops the loop, failing whatever is still queued or running, then releases the model. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // closed by the drain already, then again by CDI at shutdown
        }
        stopping = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // releasing the session under a running forward pass would crash the JVM; the process is
            // going away anyway, so leaking it is the safe choice
            LOG.log(System.Logger.Level.WARNING, "engine of model '" + modelName + "' did not stop within 10 s;"
                    + " leaving its ONNX session open");
            return;
        }
        lm.close();
        tokenizer.close();
    }
}
