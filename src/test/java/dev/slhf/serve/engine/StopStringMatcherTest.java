package dev.slhf.serve.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringMatcherTest {

    private static String feed(StopStringMatcher m, String... pieces) {
        StringBuilder out = new StringBuilder();
        for (String p : pieces) {
            out.append(m.push(p));
        }
        if (!m.matched()) {
            out.append(m.flush());
        }
        return out.toString();
    }

    @Test
    void stopSpanningSeveralPiecesIsExcluded() {
        StopStringMatcher m = new StopStringMatcher(List.of("END"));
        assertEquals("hello ", feed(m, "hel", "lo E", "N", "D and more"));
        assertTrue(m.matched());
    }

    @Test
    void partialPrefixIsHeldBackThenReleased() {
        StopStringMatcher m = new StopStringMatcher(List.of("ENDX"));
        assertEquals("a", m.push("aEN"));
        assertEquals("ENDa", m.push("Da"));
        assertFalse(m.matched());
    }

    @Test
    void earliestOfSeveralStopsWins() {
        StopStringMatcher m = new StopStringMatcher(List.of("bc", "abcd"));
        assertEquals("x", feed(m, "xabcd"), "abcd starts before bc");
    }

    @Test
    void unmatchedTextIsReleasedCompletelyAtFlush() {
        StopStringMatcher m = new StopStringMatcher(List.of("\n\n"));
        String out = feed(m, "one\n", "two\n");
        assertEquals("one\ntwo\n", out);
        assertFalse(m.matched());
    }

    @Test
    void noStopsPassesThrough() {
        StopStringMatcher m = new StopStringMatcher(List.of());
        assertEquals("abc", m.push("abc"));
    }

    @Test
    void releasedTextPlusPendingIsAlwaysTheInput() {
        // Property: for random splits, output == input up to the first stop occurrence.
        java.util.Random rnd = new java.util.Random(7);
        String alphabet = "ab\n";
        for (int trial = 0; trial < 500; trial++) {
            StringBuilder input = new StringBuilder();
            int len = 1 + rnd.nextInt(30);
            for (int i = 0; i < len; i++) {
                input.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            List<String> stops = List.of("aab", "\nb");
            StopStringMatcher m = new StopStringMatcher(stops);
            StringBuilder out = new StringBuilder();
            int i = 0;
            while (i < input.length()) {
                int j = Math.min(input.length(), i + 1 + rnd.nextInt(4));
                out.append(m.push(input.substring(i, j)));
                i = j;
            }
            if (!m.matched()) {
                out.append(m.flush());
            }
            String s = input.toString();
            int cut = s.length();
            for (String stop : stops) {
                int at = s.indexOf(stop);
                if (at >= 0) {
                    cut = Math.min(cut, at);
                }
            }
            assertEquals(s.substring(0, cut), out.toString(), "input " + s);
        }
    }
}
