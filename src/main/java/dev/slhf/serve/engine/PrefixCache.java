package dev.slhf.serve.engine;

import dev.slhf.serve.model.KvCache;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Automatic prefix KV cache (vLLM's automatic prefix caching, SGLang's radix cache): the keys and
 * values of finished sequences (prompt and generated tokens) are kept, keyed by their token ids,
 * so that a later prompt starting with the same tokens prefills only the rest. In refinement this
 * is what lets follower round 1 reuse the leader's {@code x + y0}, and round k reuse {@code x} and
 * the previous draft up to where the new one diverges.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Every entry is a batch-1 cache of exactly {@code tokens.length} positions, no padding, and
 *       is never modified after insertion: a forward pass reads its {@code past} without writing
 *       it, so an entry can serve as {@code past} directly, and copies of its first positions can
 *       be taken while it stays cached.</li>
 *   <li>No entry's tokens are a prefix of another entry's: an entry whose sequence was extended by
 *       a later one is dropped, since the longer one answers every lookup it would.</li>
 *   <li>{@link #bytes()} (the real tensor sizes) never exceeds the capacity. Eviction is least
 *       recently used (a hit or an insertion counts as a use) and skips pinned entries: an entry
 *       pinned by a prefill in progress is never closed under it; if only pinned entries are left,
 *       the new entry is refused instead.</li>
 * </ul>
 *
 * <p>Entries are compared linearly (longest common prefix against each): a few hundred entries of
 * a few thousand tokens cost well under a millisecond per lookup, far below one prefill pass, so a
 * radix tree's bookkeeping is not worth it at this size. Engine thread only, except
 * {@link #bytes()}.
 */
final class PrefixCache implements AutoCloseable {

    /** A cached sequence of tokens and its keys/values. */
    static final class Entry {
        private final int[] tokens;
        private final KvCache cache;
        private final long bytes;
        private long lastUsed;
        private int pins;

        private Entry(int[] tokens, KvCache cache, long lastUsed) {
            this.tokens = tokens;
            this.cache = cache;
            this.bytes = cache.bytes();
            this.lastUsed = lastUsed;
        }

        int length() {
            return tokens.length;
        }

        KvCache cache() {
            return cache;
        }
    }

    /** The best entry for a prompt and how many of its first positions the prompt can reuse. */
    record Match(Entry entry, int length) {
        static final Match NONE = new Match(null, 0);

        /** The whole entry matches: it can be the pass's {@code past} as it is, without a copy. */
        boolean whole() {
            return entry != null && length == entry.length();
        }
    }

    private final long capacity;
    private final EngineMetrics metrics;
    private final List<Entry> entries = new ArrayList<>();
    private long clock;
    private volatile long bytes;
    private volatile int count;

    PrefixCache(long capacityBytes, EngineMetrics metrics) {
        this.capacity = capacityBytes;
        this.metrics = metrics;
    }

    boolean enabled() {
        return capacity > 0;
    }

    /** Bytes of KV held now (read by the metrics gauge from any thread). */
    long bytes() {
        return bytes;
    }

    /** Entries held now (any thread). */
    int size() {
        return count;
    }

    /**
     * The entry sharing the longest prefix with {@code prompt}, capped at {@code limit} positions
     * (a prompt must keep at least one token to prefill, for its next-token logits). On a tie, an
     * entry matching whole wins: it needs no copy.
     */
    Match longest(int[] prompt, int limit) {
        Entry best = null;
        int bestLength = 0;
        for (Entry e : entries) {
            int n = Math.min(commonPrefix(e.tokens, prompt), limit);
            if (n > bestLength || (n == bestLength && n > 0 && n == e.length() && best.length() != n)) {
                best = e;
                bestLength = n;
            }
        }
        return bestLength == 0 ? Match.NONE : new Match(best, bestLength);
    }

    /** Marks an entry used now (LRU). */
    void touch(Entry entry) {
        entry.lastUsed = ++clock;
    }

    /** While pinned, an entry is not evicted: a prefill is reading it. */
    void pin(Entry entry) {
        entry.pins++;
    }

    void unpin(Entry entry) {
        if (entry.pins <= 0) {
            throw new IllegalStateException("unpinned more often than pinned");
        }
        entry.pins--;
    }

    /**
     * Offers the KV of a sequence of {@code tokens}; {@code copy} makes a batch-1 cache of exactly
     * those positions and is called only when the cache will keep it (so a sequence already covered
     * by an entry, or one larger than the whole cache, costs no copy). The cache owns what
     * {@code copy} returns from then on. Returns true if an entry was added.
     */
    boolean offer(int[] tokens, long estimatedBytes, Supplier<KvCache> copy) {
        if (!enabled() || tokens.length == 0 || estimatedBytes > capacity || covered(tokens)) {
            return false;
        }
        KvCache kv = copy.get();
        if (kv.batchSize() != 1 || kv.length() != tokens.length) {
            kv.close();
            throw new IllegalArgumentException("a prefix entry must be a batch-1 cache of its " + tokens.length
                    + " tokens, got " + kv.batchSize() + "x" + kv.length());
        }
        Entry entry = new Entry(tokens.clone(), kv, ++clock);
        // Entries this one extends are redundant now, unless a prefill is reading them.
        entries.removeIf(e -> {
            if (e.pins == 0 && e.length() < tokens.length && commonPrefix(e.tokens, tokens) == e.length()) {
                drop(e);
                return true;
            }
            return false;
        });
        count = entries.size();
        while (bytes + entry.bytes > capacity) {
            Entry victim = leastRecentlyUsedUnpinned();
            if (victim == null) {
                kv.close(); // everything left is in use: refusing keeps the bound
                return false;
            }
            entries.remove(victim);
            drop(victim);
            metrics.prefixCacheEvicted(victim.bytes);
        }
        entries.add(entry);
        bytes += entry.bytes;
        count = entries.size();
        return true;
    }

    /** True when an entry already holds {@code tokens} as a prefix (or exactly). */
    private boolean covered(int[] tokens) {
        for (Entry e : entries) {
            if (e.length() >= tokens.length && commonPrefix(e.tokens, tokens) == tokens.length) {
                touch(e);
                return true;
            }
        }
        return false;
    }

    private Entry leastRecentlyUsedUnpinned() {
        Entry victim = null;
        for (Entry e : entries) {
            if (e.pins == 0 && (victim == null || e.lastUsed < victim.lastUsed)) {
                victim = e;
            }
        }
        return victim;
    }

    /** Frees an entry already taken out of {@link #entries}. */
    private void drop(Entry e) {
        bytes -= e.bytes;
        e.cache.close();
        count = entries.size();
    }

    static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    /** Frees every entry (engine shutdown); nothing may be pinned by then. */
    @Override
    public void close() {
        for (Entry e : entries) {
            e.cache.close();
        }
        entries.clear();
        bytes = 0;
        count = 0;
    }
}
