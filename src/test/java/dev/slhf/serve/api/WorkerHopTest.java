package dev.slhf.serve.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link WorkerHop}: items in order, failures as failures. The race it exists for (Mutiny's emitOn
 * completing a stream whose failure is being stored) has a window of a few instructions, so the
 * stress case below only catches it when a thread is preempted right there; on a loaded machine
 * RefineOverloadIT hit it in about one run in ten (an empty 200 among hundreds of 429s).
 */
class WorkerHopTest {

    private static final ExecutorService POOL = Executors.newFixedThreadPool(4);
    private static final int TRIES = 5_000;

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    @Test
    void aFailureAtSubscriptionIsNeverDeliveredAsACompletion() throws Exception {
        assertThat(completionsOutOf(m -> WorkerHop.to(POOL, m))).isZero();
    }

    @Test
    void itemsAndCompletionStillArriveInOrder() throws Exception {
        List<String> got = WorkerHop.to(POOL, Multi.createFrom().items("a", "b", "c"))
                .collect().asList().await().atMost(java.time.Duration.ofSeconds(10));
        assertThat(got).containsExactly("a", "b", "c");
    }

    @Test
    void aCheckedFailureIsWrappedForTheErrorMapper() {
        List<Throwable> seen = new ArrayList<>();
        WorkerHop.to(POOL, Multi.createFrom().<String>failure(new java.io.IOException("gone")))
                .onFailure().invoke(seen::add).collect().asList().onFailure().recoverWithNull()
                .await().atMost(java.time.Duration.ofSeconds(10));
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)).isInstanceOf(java.util.concurrent.CompletionException.class)
                .hasCauseInstanceOf(java.io.IOException.class);
    }

    /** How many of {@link #TRIES} streams that fail at subscription end as a completion after {@code hop}. */
    static int completionsOutOf(Function<Multi<String>, Multi<String>> hop) throws InterruptedException {
        AtomicInteger completions = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(TRIES);
        for (int i = 0; i < TRIES; i++) {
            Multi<String> refused = Multi.createFrom().emitter(e -> e.fail(new IllegalStateException("queue full")),
                    BackPressureStrategy.BUFFER);
            hop.apply(refused).subscribe().withSubscriber(new MultiSubscriber<String>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    POOL.execute(() -> s.request(1)); // the writer asks from its own thread, as RESTEasy does
                }

                @Override
                public void onItem(String item) {}

                @Override
                public void onFailure(Throwable failure) {
                    failures.incrementAndGet();
                    all.countDown();
                }

                @Override
                public void onCompletion() {
                    completions.incrementAndGet();
                    all.countDown();
                }
            });
        }
        assertThat(all.await(60, TimeUnit.SECONDS)).as("every stream ended").isTrue();
        assertThat(failures.get() + completions.get()).isEqualTo(TRIES);
        return completions.get();
    }
}
