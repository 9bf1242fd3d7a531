package dev.slhf.serve.refine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slhf.serve.engine.EngineSettings;
import dev.slhf.serve.engine.GenerationCancelledException;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.golden.Fixture;
import dev.slhf.serve.model.template.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pipeline with a stub {@link DraftSource} as leader and the fixture model as follower, no HTTP. */
class RefinementPipelineTest {

    private static LoadedModel follower;

    @BeforeAll
    static void load() {
        follower = Fixture.load("tiny-qwen", EngineSettings.defaults());
    }

    @AfterAll
    static void close() {
        follower.close();
    }

    /** A leader whose answer (or failure) the test controls. */
    private static final class StubLeader implements DraftSource {
        final CompletableFuture<Round> answer = new CompletableFuture<>();
        final List<List<ChatMessage>> asked = new ArrayList<>();

        @Override
        public String name() {
            return "stub";
        }

        @Override
        public CompletableFuture<Round> draft(List<ChatMessage> prompt, SamplingParams sampling, Consumer<String> deltas) {
            asked.add(prompt);
            answer.thenAccept(r -> deltas.accept(r.text()));
            return answer;
        }
    }

    private static RefinementRequest request(int rounds) {
        return new RefinementRequest(List.of(new ChatMessage("user", "Sort: 2 1")), null, rounds,
                SamplingParams.greedy(6), FollowerPrompt.paper());
    }

    @Test
    void theLeadersAnswerIsRefinedByTheFollower() throws Exception {
        StubLeader leader = new StubLeader();
        List<String> events = new ArrayList<>();
        RefinementRun run = new RefinementPipeline(leader, follower).start(request(1), new RefinementListener() {
            @Override
            public void roundStarted(int round, Role role, String model) {
                events.add("start " + round + " " + role + " " + model);
            }

            @Override
            public void roundFinished(Round round) {
                events.add("end " + round.round());
            }
        });
        leader.answer.complete(new Round(0, Role.LEADER, "stub", "1 2", "stop", 3, 2, 5, 5));
        Refinement r = run.result().get(60, TimeUnit.SECONDS);

        assertEquals(List.of(new ChatMessage("user", "Sort: 2 1")), leader.asked.get(0));
        assertEquals("1 2", r.rounds().get(0).text());
        int[] prompt = follower.encodeChat(FollowerPrompt.paper().conversation(List.of(new ChatMessage("user",
                "Sort: 2 1")), "1 2"));
        String direct = follower.generate(prompt, SamplingParams.greedy(6), e -> {}).result().get(60, TimeUnit.SECONDS)
                .text();
        assertEquals(direct, r.rounds().get(1).text());
        assertEquals(List.of("start 0 LEADER stub", "end 0", "start 1 FOLLOWER tiny-qwen", "end 1"), events);
    }

    @Test
    void aFailingLeaderEndsTheRefinementWithoutFollowerRounds() {
        StubLeader leader = new StubLeader();
        List<Integer> started = new ArrayList<>();
        RefinementRun run = new RefinementPipeline(leader, follower).start(request(2), new RefinementListener() {
            @Override
            public void roundStarted(int round, Role role, String model) {
                started.add(round);
            }
        });
        IllegalStateException boom = new IllegalStateException("upstream down");
        leader.answer.completeExceptionally(boom);
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.result().get(60, TimeUnit.SECONDS));
        assertEquals(boom, e.getCause());
        assertEquals(List.of(0), started);
    }

    @Test
    void cancellingTheRunCancelsTheLeadersWork() {
        StubLeader leader = new StubLeader();
        RefinementRun run = new RefinementPipeline(leader, follower).start(request(2), RefinementListener.NONE);
        run.cancel();
        assertTrue(leader.answer.isCancelled(), "the draft future was cancelled");
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.result().get(60, TimeUnit.SECONDS));
        assertInstanceOf(GenerationCancelledException.class, e.getCause());
    }
}
