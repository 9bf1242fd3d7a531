package dev.slhf.serve.golden;

import dev.slhf.serve.engine.EngineMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Engine metrics that remember what speculation did: totals, and per decode pass the proposal
 * length of every row (0 for a row without one), so a test can show that rows of one pass
 * proposed different lengths.
 */
final class SpecRecorder implements EngineMetrics {

    final AtomicLong drafts = new AtomicLong(), draftTokens = new AtomicLong(), accepted = new AtomicLong();
    final AtomicLong decodePasses = new AtomicLong();
    /** Passes whose rows proposed at least two different lengths (0 counts). */
    final AtomicLong mixedPasses = new AtomicLong();
    private final List<Integer> pending = new ArrayList<>();

    @Override
    public synchronized void speculated(String role, int proposed, int acceptedTokens) {
        drafts.incrementAndGet();
        draftTokens.addAndGet(proposed);
        accepted.addAndGet(acceptedTokens);
        pending.add(proposed);
    }

    @Override
    public synchronized void step(Phase phase, int rows, int tokens, long nanos) {
        if (phase != Phase.DECODE) {
            return;
        }
        decodePasses.incrementAndGet();
        long distinct = pending.stream().distinct().count() + (pending.size() < rows ? 1 : 0);
        if (distinct >= 2) {
            mixedPasses.incrementAndGet();
        }
        pending.clear();
    }

    @Override
    public String toString() {
        return drafts + " drafts, " + draftTokens + " draft tokens, " + accepted + " accepted, " + decodePasses
                + " decode passes (" + mixedPasses + " with mixed proposal lengths)";
    }
}
