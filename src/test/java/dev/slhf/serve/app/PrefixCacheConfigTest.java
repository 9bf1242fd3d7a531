package dev.slhf.serve.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slhf.serve.engine.EngineMetrics;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import io.quarkus.runtime.configuration.MemorySize;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code slhf.models.<name>.prefix-cache-bytes} reaches the engine: 0 turns the cache off, a bound holds. */
class PrefixCacheConfigTest {

    private static SlhfConfig.ModelConfig model(long prefixCacheBytes) {
        return new SlhfConfig.ModelConfig() {
            public Optional<String> path() {
                return Optional.of("src/test/resources/fixture/tiny-qwen");
            }

            public Optional<String> variant() {
                return Optional.empty();
            }

            public Optional<SlhfConfig.Upstream> upstream() {
                return Optional.empty();
            }

            public OptionalInt intraOpThreads() {
                return OptionalInt.of(2);
            }

            public int interOpThreads() {
                return 1;
            }

            public int maxBatchSize() {
                return 4;
            }

            public int maxWaiting() {
                return 8;
            }

            public int maxBatchTokens() {
                return 512;
            }

            public MemorySize prefixCacheBytes() {
                return new MemorySize(BigInteger.valueOf(prefixCacheBytes));
            }

            public int speculativeTokens() {
                return dev.slhf.serve.engine.EngineSettings.DEFAULT_SPECULATIVE_TOKENS;
            }

            public String device() {
                return "cpu";
            }

            public int deviceId() {
                return 0;
            }

            public boolean optional() {
                return false;
            }
        };
    }

    private static final SlhfConfig.Limits LIMITS = new SlhfConfig.Limits() {
        public OptionalInt maxPromptTokens() {
            return OptionalInt.empty();
        }

        public OptionalInt maxTokens() {
            return OptionalInt.empty();
        }

        public int maxN() {
            return 16;
        }

        public Duration requestTimeout() {
            return Duration.ofSeconds(60);
        }

        public Duration bodyReadTimeout() {
            return Duration.ofSeconds(10);
        }

        public Duration writeTimeout() {
            return Duration.ofSeconds(30);
        }

        public io.quarkus.runtime.configuration.MemorySize maxBufferedBytesPerConnection() {
            return new io.quarkus.runtime.configuration.MemorySize(java.math.BigInteger.valueOf(4L << 20));
        }

        public java.util.Optional<io.quarkus.runtime.configuration.MemorySize> maxBufferedBytes() {
            return java.util.Optional.empty();
        }

        public io.quarkus.runtime.configuration.MemorySize maxHeaderSize() {
            return new io.quarkus.runtime.configuration.MemorySize(java.math.BigInteger.valueOf(20L << 10));
        }

        public int maxUriLength() {
            return 4096;
        }
    };

    /** Runs a prompt, then a prompt extending it by its own answer; returns the tokens reused. */
    private static long reusedTokens(long bytes) throws Exception {
        AtomicLong hits = new AtomicLong();
        EngineMetrics metrics = new EngineMetrics() {
            @Override
            public void prefixCacheQueried(int queried, int hit) {
                hits.addAndGet(hit);
            }
        };
        try (LoadedModel m = ModelLoader.load("tiny", model(bytes), LIMITS, metrics)) {
            SamplingParams greedy = new SamplingParams(0, 1, 0, 0, 1, null, 8, List.of(), true);
            int[] x = m.encode("Sort these numbers: 42 7 19 3");
            List<Integer> y = m.generate(x, greedy, e -> {}).result().get(60, TimeUnit.SECONDS).tokenIds();
            int[] next = IntStream.concat(Arrays.stream(x),
                    IntStream.concat(y.stream().mapToInt(Integer::intValue), Arrays.stream(x))).toArray();
            m.generate(next, greedy, e -> {}).result().get(60, TimeUnit.SECONDS);
            assertTrue(m.engine().prefixCacheBytes() <= bytes);
            return hits.get();
        }
    }

    @Test
    void zeroTurnsTheCacheOffAndTheDefaultSizeReusesPrefixes() throws Exception {
        assertEquals(0, reusedTokens(0));
        assertTrue(reusedTokens(512L << 20) > 0);
    }

    @Test
    void aNegativeSizeStopsStartUpNamingTheKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ModelLoader.load("tiny", model(-1), LIMITS, EngineMetrics.NONE));
        assertTrue(e.getMessage().contains("slhf.models.tiny.prefix-cache-bytes"), e.getMessage());
    }
}
