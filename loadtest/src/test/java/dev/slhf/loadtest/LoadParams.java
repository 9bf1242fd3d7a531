package dev.slhf.loadtest;

import java.time.Duration;

/**
 * Every knob of the simulations, read from system properties (pass them as -Dname=value to
 * Maven; the Gatling plugin hands them to the simulation JVM).
 */
public final class LoadParams {

    /** Server under test. */
    public static final String BASE_URL = System.getProperty("baseUrl", "http://localhost:8000");
    /** Target arrival rate, new requests per second, per scenario (open model). */
    public static final double RATE = Double.parseDouble(System.getProperty("rate", "1"));
    /** Linear ramp from 0 to {@link #RATE}. */
    public static final Duration RAMP = Duration.ofSeconds(Long.parseLong(System.getProperty("rampSeconds", "10")));
    /** Then {@link #RATE} held for this long. */
    public static final Duration HOLD = Duration.ofSeconds(Long.parseLong(System.getProperty("holdSeconds", "30")));
    /** Follower rounds of a /v1/refine request. */
    public static final int ROUNDS = Integer.parseInt(System.getProperty("rounds", "2"));
    /** Model of /v1/chat/completions requests (a loaded model, or the pipeline id once it exists). */
    public static final String MODEL = System.getProperty("model", "slhf-tiny");
    /** max_tokens of every request (per round for /v1/refine). */
    public static final int MAX_TOKENS = Integer.parseInt(System.getProperty("maxTokens", "32"));
    /** Sampling temperature (0 = greedy). */
    public static final double TEMPERATURE = Double.parseDouble(System.getProperty("temperature", "0.7"));
    /** Assertion: the 95th percentile of response times (whole response, streams included), ms. */
    public static final int P95_MS = Integer.parseInt(System.getProperty("p95Ms", "10000"));
    /** MixedSimulation: which scenarios run together, comma separated. */
    public static final String SCENARIOS = System.getProperty("scenarios", "refine,chat");

    private LoadParams() {}

    public static String describe() {
        return String.format("baseUrl=%s rate=%.2f/s rampSeconds=%d holdSeconds=%d rounds=%d model=%s maxTokens=%d "
                + "temperature=%.2f p95Ms=%d", BASE_URL, RATE, RAMP.toSeconds(), HOLD.toSeconds(), ROUNDS, MODEL,
                MAX_TOKENS, TEMPERATURE, P95_MS);
    }
}
