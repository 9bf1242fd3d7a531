package dev.slhf.serve.eval;

import java.util.Arrays;

/**
 * The task suite's verifier (models/eval/README.md): a candidate is correct iff its
 * whitespace-separated items equal the reference answer's, in order. Identical for every family.
 */
public final class Verifier {

    private Verifier() {}

    public static boolean correct(String candidate, String answer) {
        String c = candidate == null ? "" : candidate.strip();
        if (c.isEmpty()) {
            return false;
        }
        return Arrays.asList(c.split("\\s+")).equals(Arrays.asList(answer.strip().split("\\s+")));
    }
}
