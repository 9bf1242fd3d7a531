package dev.slhf.serve.app;

import dev.slhf.serve.app.MetricName.Buckets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every series the server publishes, with its vLLM equivalents (README, "Metrics", is the same
 * table). vLLM names follow vLLM's v1 engine; where vLLM renamed a series, both names are kept so
 * older dashboards and the Gateway API Inference Extension's endpoint picker (which reads
 * {@code vllm:num_requests_waiting}, {@code vllm:num_requests_running} and
 * {@code vllm:kv_cache_usage_perc}, formerly {@code vllm:gpu_cache_usage_perc}) both find them.
 */
public final class Metrics {

    // engine (EngineMeters)
    public static final MetricName RUNNING = MetricName.of("slhf.num.requests.running", Buckets.NONE,
            "Sequences prefilling or decoding", "vllm:num_requests_running");
    public static final MetricName WAITING = MetricName.of("slhf.num.requests.waiting", Buckets.NONE,
            "Sequences queued for admission", "vllm:num_requests_waiting");
    public static final MetricName KV_CACHE_USAGE = MetricName.of("slhf.kv.cache.usage.perc", Buckets.NONE,
            "KV positions held by running sequences over max-batch-size x context length; 1 means full",
            "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc");
    public static final MetricName BATCH_SIZE = MetricName.of("slhf.batch.size", Buckets.BATCH_SIZE,
            "Rows per decode forward pass");
    public static final MetricName ITERATION_TOKENS = MetricName.of("slhf.iteration.tokens", Buckets.TOKENS,
            "Input tokens of one engine forward pass", "vllm:iteration_tokens_total");
    public static final MetricName QUEUE = MetricName.of("slhf.queue", Buckets.LATENCY,
            "Time requests wait before the engine takes them", "vllm:request_queue_time");
    public static final MetricName STEP = MetricName.of("slhf.step", Buckets.STEP,
            "Duration of one engine forward pass");
    public static final MetricName CANCELLED = MetricName.of("slhf.requests.cancelled", Buckets.NONE,
            "Generations cancelled before finishing");
    public static final MetricName TIMED_OUT = MetricName.of("slhf.requests.timed.out", Buckets.NONE,
            "Generations stopped because their request passed slhf.limits.request-timeout");

    // prefix cache (EngineMeters), as vLLM's prefix_cache_queries / prefix_cache_hits (in tokens)
    public static final MetricName PREFIX_QUERIES = MetricName.of("slhf.prefix.cache.queries", Buckets.NONE,
            "Prompt tokens looked up in the prefix cache", "vllm:prefix_cache_queries");
    public static final MetricName PREFIX_HITS = MetricName.of("slhf.prefix.cache.hits", Buckets.NONE,
            "Prompt tokens whose KV came from the prefix cache instead of a prefill", "vllm:prefix_cache_hits");
    public static final MetricName PREFIX_EVICTIONS = MetricName.of("slhf.prefix.cache.evictions", Buckets.NONE,
            "Prefix cache entries evicted to stay within slhf.models.<name>.prefix-cache-bytes");
    public static final MetricName PREFIX_BYTES = MetricName.of("slhf.prefix.cache.bytes", Buckets.NONE,
            "KV bytes held by the prefix cache");

    // draft-copy speculation (EngineMeters), by role, as vLLM's spec-decode series
    public static final MetricName SPEC_DRAFTS = MetricName.of("slhf.spec.decode.num.drafts", Buckets.NONE,
            "Verify passes in which a sequence proposed tokens", "vllm:spec_decode_num_drafts");
    public static final MetricName SPEC_DRAFT_TOKENS = MetricName.of("slhf.spec.decode.num.draft.tokens",
            Buckets.NONE, "Prompt-lookup tokens proposed", "vllm:spec_decode_num_draft_tokens");
    public static final MetricName SPEC_ACCEPTED_TOKENS = MetricName.of("slhf.spec.decode.num.accepted.tokens",
            Buckets.NONE, "Proposed tokens accepted", "vllm:spec_decode_num_accepted_tokens");
    public static final MetricName SPEC_ACCEPTANCE_LENGTH = MetricName.of("slhf.spec.decode.acceptance.length",
            Buckets.TOKENS, "Tokens one verify pass emitted for a sequence (accepted + 1)");

    // generations (ServingMeters)
    public static final MetricName PROMPT_TOKENS = MetricName.of("slhf.prompt.tokens", Buckets.NONE,
            "Prompt tokens processed", "vllm:prompt_tokens");
    public static final MetricName GENERATION_TOKENS = MetricName.of("slhf.generation.tokens", Buckets.NONE,
            "Tokens generated", "vllm:generation_tokens");
    public static final MetricName REQUEST_PROMPT_TOKENS = MetricName.of("slhf.request.prompt.tokens",
            Buckets.TOKENS, "Prompt tokens per generation", "vllm:request_prompt_tokens");
    public static final MetricName REQUEST_GENERATION_TOKENS = MetricName.of("slhf.request.generation.tokens",
            Buckets.TOKENS, "Generated tokens per generation", "vllm:request_generation_tokens");
    public static final MetricName TTFT = MetricName.of("slhf.time.to.first.token", Buckets.LATENCY,
            "Submission to first generated token", "vllm:time_to_first_token");
    public static final MetricName INTER_TOKEN = MetricName.of("slhf.inter.token.latency", Buckets.STEP,
            "Mean time between generated tokens of a generation", "vllm:time_per_output_token",
            "vllm:request_time_per_output_token");
    public static final MetricName E2E = MetricName.of("slhf.e2e.request.latency", Buckets.LATENCY,
            "Submission to last token of one generation (a refinement round is one)", "vllm:e2e_request_latency");
    public static final MetricName FINISHED = MetricName.of("slhf.request.success", Buckets.NONE,
            "Generations ended, by finished_reason (stop, length, abort)", "vllm:request_success");

    // refinement and HTTP (ServingMeters)
    public static final MetricName ROUNDS = MetricName.of("slhf.refine.rounds", Buckets.NONE,
            "Refinement rounds finished");
    public static final MetricName ROUND = MetricName.of("slhf.refine.round", Buckets.LATENCY,
            "Latency of one refinement round, by round index");
    public static final MetricName UNCHANGED = MetricName.of("slhf.refine.unchanged", Buckets.NONE,
            "Follower rounds that returned the previous text");
    public static final MetricName REQUEST = MetricName.of("slhf.request", Buckets.LATENCY,
            "HTTP request duration, streams until their end");
    public static final MetricName UPSTREAM = MetricName.of("slhf.upstream.request", Buckets.LATENCY,
            "Calls to upstream (foreign) leaders");
    public static final MetricName UPSTREAM_ERRORS = MetricName.of("slhf.upstream.errors", Buckets.NONE,
            "Failed calls to upstream leaders");

    public static final List<MetricName> ALL = List.of(RUNNING, WAITING, KV_CACHE_USAGE, PREFIX_QUERIES, PREFIX_HITS,
            PREFIX_EVICTIONS, PREFIX_BYTES, SPEC_DRAFTS, SPEC_DRAFT_TOKENS, SPEC_ACCEPTED_TOKENS,
            SPEC_ACCEPTANCE_LENGTH, BATCH_SIZE,
            ITERATION_TOKENS, QUEUE, STEP, CANCELLED, TIMED_OUT, PROMPT_TOKENS, GENERATION_TOKENS,
            REQUEST_PROMPT_TOKENS, REQUEST_GENERATION_TOKENS, TTFT, INTER_TOKEN, E2E, FINISHED, ROUNDS, ROUND,
            UNCHANGED, REQUEST, UPSTREAM, UPSTREAM_ERRORS);

    /** By Micrometer name, slhf and vLLM names alike (what a MeterFilter sees). */
    private static final Map<String, MetricName> BY_NAME = ALL.stream()
            .flatMap(m -> Stream.concat(Stream.of(m.name()), m.vllm().stream()).map(n -> Map.entry(n, m)))
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));

    private Metrics() {}

    public static Optional<MetricName> byName(String micrometerName) {
        return Optional.ofNullable(BY_NAME.get(micrometerName));
    }
}
