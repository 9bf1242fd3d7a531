package dev.slhf.serve.app;

import io.smallrye.config.ConfigMapping;
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

    /**
     * API keys clients must send as {@code Authorization: Bearer <key>}; none configured means no
     * authentication. Also read from {@code SLHF_API_KEYS} (comma-separated) like any property.
     */
    @WithName("api-keys")
    Optional<List<String>> apiKeys();

    /** A file with one API key per line (a mounted Kubernetes Secret); merged with {@link #apiKeys()}. */
    @WithName("api-keys-file")
    Optional<String> apiKeysFile();

    /** Path prefixes reachable without a key, so probes and Prometheus keep working. */
    @WithName("public-paths")
    @WithDefault("/q/health,/q/metrics")
    List<String> publicPaths();

    interface ModelConfig {
        /** Directory in optimum's text-generation-with-past layout; exactly one of this and {@link #upstream()}. */
        Optional<String> path();

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
}
