package dev.slhf.serve.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Bookkeeping of {@link PrefixCache} over {@link FakeLm} caches (8 bytes per position). */
class PrefixCacheTest {

    private final FakeLm lm = new FakeLm(16, p -> 0);
    private final AtomicInteger evictions = new AtomicInteger();
    private final EngineMetrics metrics = new EngineMetrics() {
        @Override
        public void prefixCacheEvicted(long bytes) {
            evictions.incrementAndGet();
        }
    };

    private boolean offer(PrefixCache cache, int... tokens) {
        return cache.offer(tokens, 8L * tokens.length, () -> lm.new Cache(1, tokens.length));
    }

    @Test
    void longestMatchIsCappedSoOnePromptTokenIsLeftToCompute() {
        PrefixCache cache = new PrefixCache(1 << 20, metrics);
        offer(cache, 1, 2, 3, 4);
        offer(cache, 1, 2, 9);
        assertEquals(4, cache.longest(new int[] {1, 2, 3, 4, 5}, 4).length());
        assertTrue(cache.longest(new int[] {1, 2, 3, 4, 5}, 4).whole());
        assertEquals(3, cache.longest(new int[] {1, 2, 3, 4}, 3).length(), "the whole prompt is cached: keep one");
        assertFalse(cache.longest(new int[] {1, 2, 3, 4}, 3).whole());
        assertEquals(3, cache.longest(new int[] {1, 2, 9, 9}, 3).length());
        assertNull(cache.longest(new int[] {7, 1, 2}, 2).entry(), "matching starts at the first token");
    }

    @Test
    void aSequenceExtendingAnEntryReplacesItAndOneAlreadyCoveredCostsNoCopy() {
        PrefixCache cache = new PrefixCache(1 << 20, metrics);
        assertTrue(offer(cache, 1, 2, 3));
        assertTrue(offer(cache, 1, 2, 3, 4, 5));
        assertEquals(1, cache.size(), "the shorter entry is redundant");
        assertEquals(5 * 8, cache.bytes());
        assertFalse(cache.offer(new int[] {1, 2, 3}, 24, () -> {
            throw new AssertionError("covered: must not copy");
        }));
        cache.close();
        assertEquals(0, lm.openCaches.get());
    }

    @Test
    void evictsLeastRecentlyUsedWithinTheBoundAndNeverAPinnedEntry() {
        PrefixCache cache = new PrefixCache(10 * 8, metrics); // ten positions
        offer(cache, 1, 1, 1, 1);
        offer(cache, 2, 2, 2, 2);
        cache.touch(cache.longest(new int[] {1, 1, 1, 1, 0}, 4).entry()); // 1s used after 2s
        offer(cache, 3, 3, 3, 3);
        assertEquals(1, evictions.get());
        assertNull(cache.longest(new int[] {2, 2, 0}, 2).entry(), "2s were the least recently used");
        assertEquals(4, cache.longest(new int[] {1, 1, 1, 1, 0}, 4).length());
        assertTrue(cache.bytes() <= 80);

        PrefixCache.Entry ones = cache.longest(new int[] {1, 1, 1, 1, 0}, 4).entry();
        PrefixCache.Entry threes = cache.longest(new int[] {3, 3, 3, 3, 0}, 4).entry();
        cache.pin(ones);
        cache.pin(threes);
        assertFalse(offer(cache, 4, 4, 4, 4), "only pinned entries left: refused to keep the bound");
        assertSame(ones, cache.longest(new int[] {1, 1, 1, 1, 0}, 4).entry());
        assertEquals(2, cache.size());
        cache.unpin(threes);
        assertTrue(offer(cache, 4, 4, 4, 4));
        assertNull(cache.longest(new int[] {3, 3, 0}, 2).entry(), "the unpinned one went");
        assertTrue(cache.bytes() <= 80);
        assertFalse(offer(cache, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5), "larger than the whole cache");
        cache.unpin(ones);
        cache.close();
        assertEquals(0, lm.openCaches.get(), "evicted and closed entries freed their caches");
    }
}
