package dev.slhf.serve.engine;

import dev.slhf.serve.model.DecodeOptions;

/**
 * Applies {@code clean_up_tokenization_spaces} to streamed text so that the pieces still
 * concatenate to {@code cleanUp(full decode)}, the non-streamed text.
 *
 * <p>The cleanup is not prefix-stable ("a " may become "a." once "." arrives), so text is held
 * back until a safe cut: a point between two characters that are both not a space and not an
 * apostrophe, and not the "ve"/"re" of a contraction. Every pattern of the cleanup is a
 * contiguous run whose adjacent pairs all involve a space or an apostrophe (or are v-e / r-e);
 * the cleanup only deletes spaces, so the two characters at a safe cut stay adjacent in every
 * pass and no match can span them. Hence {@code cleanUp(a + b) == cleanUp(a) + cleanUp(b)}
 * for a safe cut between a and b, and releasing {@code cleanUp(a)} early is exact.
 */
final class SpaceCleanupStream {

    private final StringBuilder pending = new StringBuilder();

    /** Takes newly decoded raw text; returns the cleaned text that can no longer change. */
    String push(String raw) {
        if (raw.isEmpty()) {
            return "";
        }
        pending.append(raw);
        int cut = lastSafeCut(pending);
        if (cut <= 0) {
            return "";
        }
        String ready = pending.substring(0, cut);
        pending.delete(0, cut);
        return DecodeOptions.cleanUp(ready);
    }

    /** The rest, cleaned, at the end of the sequence. */
    String flush(String raw) {
        pending.append(raw);
        String rest = DecodeOptions.cleanUp(pending.toString());
        pending.setLength(0);
        return rest;
    }

    private static int lastSafeCut(CharSequence s) {
        for (int cut = s.length() - 1; cut > 0; cut--) {
            char before = s.charAt(cut - 1);
            char after = s.charAt(cut);
            if (isSafe(before) && isSafe(after) && !(after == 'e' && (before == 'v' || before == 'r'))
                    && !Character.isLowSurrogate(after)) {
                return cut;
            }
        }
        return 0;
    }

    private static boolean isSafe(char c) {
        return c != ' ' && c != '\'';
    }
}
