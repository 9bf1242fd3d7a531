package dev.slhf.serve.bench;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Leak soak: {@link Soak} with 10 000 requests (by default) against the packaged server serving the
 * bundled demo models, as shipped. Prints the server's RSS series, the RSS after warm-up (20 % of the
 * requests) and at the end, and the drift; exits with status 1 if the RSS after warm-up moves by
 * more than ±10 % (or any request got a 5xx or an unexpected status).
 *
 * <pre>./mvnw -o -q -DskipTests package && ./mvnw -o -q test-compile exec:java \
 *     -Dexec.mainClass=dev.slhf.serve.bench.SoakBenchmark -Dexec.args="--requests 10000"</pre>
 *
 * Options: {@code --requests N}, {@code --clients C} (4), {@code --sample-every K} (N/40),
 * {@code --model DIR} (serve this model directory as {@code m} instead of the demo models).
 */
public final class SoakBenchmark {

    static final double MAX_DRIFT_PERCENT = 10.0;

    public static void main(String[] args) throws Exception {
        int requests = DecodeBenchmark.intArg(args, "--requests", 10_000);
        int clients = DecodeBenchmark.intArg(args, "--clients", 4);
        int every = DecodeBenchmark.intArg(args, "--sample-every", Math.max(10, requests / 40));
        int m = Arrays.asList(args).indexOf("--model");
        Path model = m >= 0 ? Path.of(args[m + 1]) : null;
        System.out.printf("soak: %d requests, %d clients, RSS sampled every %d requests, model %s%n", requests, clients,
                every, model == null ? "demo (slhf-tiny)" : model);
        Soak.Result r = Soak.run(new Soak.Options(requests, clients, every, 0.2, model));
        System.out.print(r.report());
        boolean ok = Math.abs(r.maxDeviationPercent()) <= MAX_DRIFT_PERCENT && r.serverErrors() == 0
                && r.unexpected() == 0;
        System.out.println(ok ? "PASS: RSS within ±" + MAX_DRIFT_PERCENT + " % after warm-up, no 5xx"
                : "FAIL: RSS outside ±" + MAX_DRIFT_PERCENT + " % after warm-up, or 5xx / unexpected statuses");
        if (!ok) {
            System.exit(1); // exec:java runs in Maven's JVM: this is what makes the command fail
        }
    }
}
