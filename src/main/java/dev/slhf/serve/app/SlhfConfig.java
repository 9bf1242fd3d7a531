package dev.slhf.serve.app;

import io.smallrye.config.ConfigMapping;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Everything under {@code slhf.*}. Read here, at the outer layer, and pushed inward as records. */
@ConfigMapping(prefix = "slhf")
public interface SlhfConfig {

    /** Models to load, by the name clients use. Empty: the bundled demo models ({@link DemoModels}). */
    Map<String, ModelConfig> models();

    /** Model that writes round 0. */
    @WithDefault(DemoModels.SLHF_TINY)
    String leader();

    /** Model that refines; the same name as the leader means one loaded copy plays both roles. */
    @WithDefault(DemoModels.SLHF_TINY)
    String follower();

    Refine refine();

    /** Per-request limits (see README, "Operating safely"). */
    Limits limits();

    /** Prometheus naming and histogram bucket bounds (see README, "Metrics"). */
    Metrics metrics();

    /**
     * API keys clients must send as {@code Authorization: Bearer <key>}; none configured means no
     * authentication. Also read from {@code SLHF_API_KEYS} (comma-separated) like any property.
     */
    @WithName("api-keys")
    Optional<List<String>> apiKeys();

    /** A file with one API key per line (a mounted Kubernetes Secret); merged with {@link #apiKeys()}. */
    @WithName("api-keys-file")
    Optional<String> apiKeysFile();

    /**
     * Path prefixes reachable without a key, so probes and Prometheus keep working; /health,
     * /metrics and /version are open as in vLLM, whose --api-key guards /v1 only.
     */
    @WithName("public-paths")
    @WithDefault("/q/health,/q/metrics,/health,/metrics,/version")
    List<String> publicPaths();

    interface ModelConfig {
        /** Directory in optimum's text-generation-with-past layout; exactly one of this and {@link #upstream()}. */
        Optional<String> path();

        /**
         * Which weights of a directory holding several (Transformers.js' onnx/model_q4.onnx,
         * model_fp16.onnx, ...): a variant name such as {@code q4}, {@code fp16}, {@code int8}, or a
         * file name relative to the directory. Unset: the plain model.onnx.
         */
        Optional<String> variant();

        /** Another OpenAI-compatible server that answers for this name; it can lead, not follow. */
        Optional<Upstream> upstream();

        /** ORT intra-op threads; unset means all available cores. */
        @WithName("intra-op-threads")
        OptionalInt intraOpThreads();

        @WithName("inter-op-threads")
        @WithDefault("1")
        int interOpThreads();

        /** Sequences in flight at once; the most rows of one batched decode pass. */
        @WithName("max-batch-size")
        @WithDefault("16")
        int maxBatchSize();

        /** Bound of the waiting queue; a full queue answers 429. */
        @WithName("max-waiting")
        @WithDefault("64")
        int maxWaiting();

        /** Input tokens per engine step: one per decoding sequence, the rest for a prefill chunk. */
        @WithName("max-batch-tokens")
        @WithDefault("512")
        int maxBatchTokens();

        /**
         * Bound of the automatic prefix KV cache (KV of finished sequences, reused by prompts that
         * start with the same tokens), e.g. {@code 512M}; {@code 0} turns it off.
         */
        @WithName("prefix-cache-bytes")
        @WithDefault("512M")
        MemorySize prefixCacheBytes();

        /**
         * Largest number of draft-copy (prompt-lookup) tokens a sequence proposes and verifies in
         * one decode pass; {@code 0} turns speculative decoding off. On by default for every
         * request: a step without a match is the ordinary one-token step.
         */
        @WithName("speculative-tokens")
        @WithDefault("" + dev.slhf.serve.engine.EngineSettings.DEFAULT_SPECULATIVE_TOKENS)
        int speculativeTokens();

        /** Where ONNX Runtime runs it: {@code cpu}, or {@code cuda} (needs the {@code -Pcuda} build). */
        @WithDefault("cpu")
        String device();

        /** CUDA device ordinal when {@code device=cuda}. */
        @WithName("device-id")
        @WithDefault("0")
        int deviceId();

        /**
         * When true, a model that fails to load is logged and left out instead of stopping the
         * process; readiness then names it under {@code missing}.
         */
        @WithDefault("false")
        boolean optional();
    }

    /** A foreign leader: {@code POST <url>/chat/completions} on an OpenAI-compatible server. */
    interface Upstream {
        /** Base URL including the API version, as OpenAI SDKs take it: {@code http://host:8000/v1}. */
        String url();

        /** The model name the upstream knows; defaults to this entry's name. */
        Optional<String> model();

        /** Sent as {@code Authorization: Bearer <key>}. */
        @WithName("api-key")
        Optional<String> apiKey();

        /** Connect plus answer time before the request fails with 504. */
        @WithDefault("60s")
        Duration timeout();
    }

    interface Limits {
        /** Most prompt tokens one request may send (after the chat template); unset: the model's context. */
        @WithName("max-prompt-tokens")
        OptionalInt maxPromptTokens();

        /** Largest {@code max_tokens} a request may ask for, and the default cap when it does not ask. */
        @WithName("max-tokens")
        OptionalInt maxTokens();

        /** Largest {@code n} (choices per request). */
        @WithName("max-n")
        @WithDefault("16")
        int maxN();

        /** Wall time one request may take, queueing and every refinement round included. */
        @WithName("request-timeout")
        @WithDefault("300s")
        Duration requestTimeout();

        /**
         * How long a request body may take to arrive in full once the headers are in; then 408. Bodies
         * are read on the event loop before any worker thread is involved, so this bounds how long a
         * stalled client holds its connection, not a thread.
         */
        @WithName("body-read-timeout")
        @WithDefault("10s")
        Duration bodyReadTimeout();

        /**
         * How long a response may wait for a client that does not read before its generation is
         * cancelled and the connection closed (a slow reader is a disconnect).
         */
        @WithName("write-timeout")
        @WithDefault("30s")
        Duration writeTimeout();

        /**
         * Streamed text one connection may have waiting to be written; beyond it the client is dropped
         * as a slow reader (its generation cancelled).
         */
        @WithName("max-buffered-bytes-per-connection")
        @WithDefault("4M")
        io.quarkus.runtime.configuration.MemorySize maxBufferedBytesPerConnection();

        /**
         * Response memory all requests together may hold: each request reserves what its response
         * can reach (choices x tokens x log-probabilities) before generating, and a request that
         * does not fit gets 429 + Retry-After; streamed text waiting for slow readers counts too.
         * Unset: a sixteenth of the maximum heap (results are held as objects several times the
         * size of their JSON before they are serialized).
         */
        @WithName("max-buffered-bytes")
        Optional<io.quarkus.runtime.configuration.MemorySize> maxBufferedBytes();

        /**
         * Bytes of request headers (names and values) a request may send; beyond it 431 with an OpenAI
         * error body. Kept under Netty's own bound ({@code quarkus.http.limits.max-header-size}), which
         * answers a bodiless 431 that no handler of ours can reach.
         */
        @WithName("max-header-size")
        @WithDefault("20K")
        io.quarkus.runtime.configuration.MemorySize maxHeaderSize();

        /** Characters of a request's URI (path and query); beyond it 414, as for the headers above. */
        @WithName("max-uri-length")
        @WithDefault("4096")
        int maxUriLength();
    }

    interface Refine {
        /** Follower rounds when a request does not say. */
        @WithDefault("2")
        int rounds();

        /** Upper bound on the rounds a request may ask for. */
        @WithName("max-rounds")
        @WithDefault("8")
        int maxRounds();

        /** The user turn that asks the follower to improve the previous answer. */
        @WithName("follower-prompt")
        Optional<String> followerPrompt();

        /** The model id under which OpenAI clients reach the whole refinement (leader + rounds). */
        @WithName("pipeline-id")
        @WithDefault("slhf")
        String pipelineId();
    }

    /**
     * Histogram bucket upper bounds, round numbers chosen per kind of quantity (like vLLM's and
     * Prometheus' client defaults) instead of Micrometer's 69 generated percentile buckets.
     */
    interface Metrics {
        /** Also publish the vLLM-named series ({@code vllm:*}, label {@code model_name}). */
        @WithName("vllm-names")
        @WithDefault("false")
        boolean vllmNames();

        /** Seconds; whole requests, rounds, time to first token, queueing, upstream calls. */
        @WithName("latency-buckets")
        @WithDefault("0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10,30,60")
        List<Double> latencyBuckets();

        /** Seconds; one forward pass, and the time per output token. */
        @WithName("step-buckets")
        @WithDefault("0.001,0.0025,0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5")
        List<Double> stepBuckets();

        /** Rows per decode pass. */
        @WithName("batch-size-buckets")
        @WithDefault("1,2,4,8,16,32,64,128,256")
        List<Double> batchSizeBuckets();

        /** Token counts: per request and per engine step. */
        @WithName("token-buckets")
        @WithDefault("1,2,4,8,16,32,64,128,256,512,1024,2048,4096,8192,16384")
        List<Double> tokenBuckets();
    }
}
