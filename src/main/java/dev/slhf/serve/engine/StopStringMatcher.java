package dev.slhf.serve.engine;

import java.util.List;

/**
 * Finds stop strings in streamed text, also when one spans several tokens. Text is released only
 * once it can no longer be the beginning of a stop string, so a client never receives a piece
 * that later turns out to belong to the (excluded) stop string.
 *
 * <p>Invariant: {@code pending} never contains a whole stop string, and whatever was released
 * plus {@code pending} is the generated text so far.
 */
final class StopStringMatcher {

    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean matched;

    StopStringMatcher(List<String> stops) {
        this.stops = stops;
    }

    boolean matched() {
        return matched;
    }

    /** Adds decoded text; returns the text that is now safe to release (possibly empty). */
    String push(String piece) {
        if (matched) {
            return "";
        }
        if (stops.isEmpty()) {
            return piece;
        }
        pending.append(piece);
        int earliest = -1;
        for (String stop : stops) {
            int at = pending.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        if (earliest >= 0) {
            matched = true;
            String out = pending.substring(0, earliest);
            pending.setLength(0);
            return out;
        }
        int hold = longestSuffixStartingAStop();
        String out = pending.substring(0, pending.length() - hold);
        pending.delete(0, pending.length() - hold);
        return out;
    }

    /** At the end of generation: whatever was held back, since no stop string completed it. */
    String flush() {
        String out = pending.toString();
        pending.setLength(0);
        return out;
    }

    private int longestSuffixStartingAStop() {
        int best = 0;
        for (String stop : stops) {
            int max = Math.min(stop.length() - 1, pending.length());
            for (int len = max; len > best; len--) {
                if (endsWithPrefix(stop, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }

    private boolean endsWithPrefix(String stop, int len) {
        int start = pending.length() - len;
        for (int i = 0; i < len; i++) {
            if (pending.charAt(start + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
