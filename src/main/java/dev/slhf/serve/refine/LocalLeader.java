package dev.slhf.serve.refine;

import dev.slhf.serve.engine.Admission;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.template.ChatMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A loaded model as the leader: answers the prompt with its own chat template. */
public final class LocalLeader implements DraftSource {

    private final LoadedModel model;

    public LocalLeader(LoadedModel model) {
        this.model = model;
    }

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public CompletableFuture<Round> draft(List<ChatMessage> prompt, SamplingParams sampling, Consumer<String> deltas) {
        return LocalRound.start(model, Role.LEADER, 0, model.encodeChat(prompt), sampling, deltas,
                Admission.NEW);
    }
}
