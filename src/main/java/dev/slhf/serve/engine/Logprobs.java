package dev.slhf.serve.engine;

import dev.slhf.serve.model.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Log-softmax of a raw logits row, for the OpenAI {@code logprobs} fields. */
final class Logprobs {

    private Logprobs() {}

    static TokenLogprob of(float[] row, int chosen, int topK, Tokenizer tokenizer) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : row) {
            sum += Math.exp(v - max);
        }
        double logZ = max + Math.log(sum);
        List<TokenLogprob.Alternative> top = new ArrayList<>(topK);
        boolean[] taken = new boolean[row.length];
        for (int k = 0; k < topK && k < row.length; k++) {
            int best = -1;
            for (int i = 0; i < row.length; i++) {
                if (!taken[i] && (best < 0 || row[i] > row[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            String text = tokenText(tokenizer, best);
            top.add(new TokenLogprob.Alternative(best, text, text.getBytes(StandardCharsets.UTF_8), row[best] - logZ));
        }
        String text = tokenText(tokenizer, chosen);
        return new TokenLogprob(chosen, text, text.getBytes(StandardCharsets.UTF_8), row[chosen] - logZ, List.copyOf(top));
    }

    private static String tokenText(Tokenizer tokenizer, int id) {
        return tokenizer.decode(new int[] {id}, false);
    }
}
