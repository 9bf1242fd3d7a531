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
        List<TokenLogprob.Alternative> top = new ArrayList<>(Math.max(0, topK));
        if (topK > 0) {
            // one heap pass (O(V log k)) rather than k scans of the row: at 151,936 entries and
            // top_logprobs 20 the scans were millions of comparisons per token
            SamplingScratch scratch = SamplingScratch.current();
            int n = TopKSelector.select(row, 0, row.length, Math.min(topK, row.length), scratch);
            for (int r = 0; r < n; r++) {
                int best = scratch.heapIds[r];
                String text = tokenText(tokenizer, best);
                top.add(new TokenLogprob.Alternative(best, text, text.getBytes(StandardCharsets.UTF_8), row[best] - logZ));
            }
        }
        String text = tokenText(tokenizer, chosen);
        return new TokenLogprob(chosen, text, text.getBytes(StandardCharsets.UTF_8), row[chosen] - logZ, List.copyOf(top));
    }

    private static String tokenText(Tokenizer tokenizer, int id) {
        return tokenizer.decode(new int[] {id}, false);
    }
}
