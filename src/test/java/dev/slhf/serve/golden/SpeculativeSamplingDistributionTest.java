package dev.slhf.serve.golden;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slhf.serve.engine.EngineMetrics;
import dev.slhf.serve.engine.GenerationHandle;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Speculative sampling is exact in distribution: per output position, the token frequencies of
 * {@value #RUNS} seeded generations with speculation agree with those of {@value #RUNS} without
 * (a chi-square test of homogeneity summed over positions 1..{@value #POSITIONS}; position 0
 * comes from the prefill, where nothing is speculated).
 *
 * <p>Run on the demo follower over a follower prompt (it copies, so proposals are frequent) and
 * on the random-weight fixture; proposals are accepted only part of the time, so the rule
 * matters. Checked by swapping wrong rules into {@code Sampler}: always accepting fails every
 * case (on the demo model its acceptance rate of 1 trips the guard below; on the fixture the
 * statistic is 1124 against a bound of 200); drawing the replacement from p without removing the
 * rejected token fails the paper-sampling case (286 against a bound of 45). The seeds are fixed,
 * so the test is deterministic; the bound is chi-square's 0.001 upper quantile.
 */
class SpeculativeSamplingDistributionTest {

    static final int RUNS = 800;
    static final int POSITIONS = 6;

    @ParameterizedTest
    @CsvSource({
        // the paper's sampling
        "slhf-tiny, 0.9, 1.0, 50, 0.0, 1.0",
        // nucleus, min_p and a repetition penalty that must see the tokens accepted earlier in a run
        "slhf-tiny, 1.3, 0.95, 0, 0.02, 1.3",
        "tiny-qwen, 0.5, 1.0, 50, 0.0, 1.0",
    })
    void tokenFrequenciesAgreeWithAndWithoutSpeculation(String model, double t, double topP, int topK, double minP,
            double rep) throws Exception {
        SpecRecorder spec = new SpecRecorder();
        try (LoadedModel off = SpeculativeDecodingTest.load(model, 0, EngineMetrics.NONE);
                LoadedModel on = SpeculativeDecodingTest.load(model, 8, spec)) {
            int[] prompt = prompt(off);
            List<Map<Integer, Integer>> plain = frequencies(off, prompt, t, topP, topK, minP, rep);
            List<Map<Integer, Integer>> speculative = frequencies(on, prompt, t, topP, topK, minP, rep);
            double acceptance = spec.accepted.get() / (double) spec.draftTokens.get();
            assertTrue(spec.drafts.get() > RUNS / 2 && spec.accepted.get() > 0 && acceptance < 0.9,
                    "proposals were frequent and accepted only sometimes: " + spec);
            double stat = 0;
            int df = 0;
            for (int j = 1; j <= POSITIONS - 1; j++) {
                double[] r = chiSquare(plain.get(j), speculative.get(j));
                stat += r[0];
                df += (int) r[1];
            }
            double bound = upperQuantile(df, 3.09);
            System.out.printf("chi-square %.1f over %d df (bound %.1f); %s%n", stat, df, bound, spec);
            assertTrue(stat < bound, "chi-square " + stat + " over " + df + " df exceeds " + bound + "; " + spec);
        }
    }

    /** A follower-shaped prompt: the proposer finds its n-grams in the draft. */
    private static int[] prompt(LoadedModel m) throws Exception {
        String x = SpeculativeDecodingTest.heldoutPrompts(1).get(0);
        String draft = SpeculativeDecodingTest.run(m, SpeculativeDecodingTest.leaderPrompt(m, x),
                SpeculativeDecodingTest.greedy(30, true, null)).text();
        return SpeculativeDecodingTest.followerPrompt(m, x, draft + " " + x);
    }

    private static List<Map<Integer, Integer>> frequencies(LoadedModel m, int[] prompt, double t, double topP, int topK,
            double minP, double rep) throws Exception {
        List<Map<Integer, Integer>> out = new ArrayList<>();
        for (int j = 0; j < POSITIONS; j++) {
            out.add(new HashMap<>());
        }
        List<GenerationHandle> handles = new ArrayList<>();
        for (int seed = 0; seed < RUNS; seed++) {
            SamplingParams p = new SamplingParams(t, topP, topK, minP, rep, (long) seed, POSITIONS, List.of(), true);
            handles.add(m.generate(prompt, p, e -> {}));
            if (handles.size() == 128) {
                collect(handles, out);
            }
        }
        collect(handles, out);
        return out;
    }

    private static void collect(List<GenerationHandle> handles, List<Map<Integer, Integer>> out) throws Exception {
        for (GenerationHandle h : handles) {
            List<Integer> tokens = h.result().get(120, TimeUnit.SECONDS).tokenIds();
            for (int j = 0; j < POSITIONS; j++) {
                out.get(j).merge(tokens.get(j), 1, Integer::sum);
            }
        }
        handles.clear();
    }

    /** Homogeneity of two samples: {statistic, degrees of freedom}; rare tokens pooled into one cell. */
    static double[] chiSquare(Map<Integer, Integer> a, Map<Integer, Integer> b) {
        Map<Integer, int[]> cells = new HashMap<>();
        a.forEach((k, v) -> cells.computeIfAbsent(k, x -> new int[2])[0] += v);
        b.forEach((k, v) -> cells.computeIfAbsent(k, x -> new int[2])[1] += v);
        List<int[]> table = new ArrayList<>();
        int[] rare = new int[2];
        for (int[] c : cells.values()) {
            if (c[0] + c[1] >= 10) {
                table.add(c);
            } else {
                rare[0] += c[0];
                rare[1] += c[1];
            }
        }
        if (rare[0] + rare[1] > 0) {
            table.add(rare);
        }
        double na = 0, nb = 0;
        for (int[] c : table) {
            na += c[0];
            nb += c[1];
        }
        double stat = 0;
        for (int[] c : table) {
            double total = c[0] + c[1];
            double ea = total * na / (na + nb), eb = total * nb / (na + nb);
            stat += (c[0] - ea) * (c[0] - ea) / ea + (c[1] - eb) * (c[1] - eb) / eb;
        }
        return new double[] {stat, Math.max(1, table.size() - 1)};
    }

    /** Wilson–Hilferty approximation of chi-square's upper quantile at standard normal z. */
    static double upperQuantile(int df, double z) {
        double h = 2.0 / (9 * df);
        return df * Math.pow(1 - h + z * Math.sqrt(h), 3);
    }
}
