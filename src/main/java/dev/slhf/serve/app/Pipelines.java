package dev.slhf.serve.app;

import dev.slhf.serve.app.upstream.Upstreams;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.refine.DraftSource;
import dev.slhf.serve.refine.LocalLeader;
import dev.slhf.serve.refine.RefinementPipeline;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Builds the refinement pipeline a request names: leader and follower default to
 * {@code slhf.leader}/{@code slhf.follower}. A leader may be a loaded model or an upstream server;
 * the follower must be loaded here. Pipelines hold no state, so one per request costs nothing.
 */
@ApplicationScoped
public class Pipelines {

    private final ServingModels models;
    private final Upstreams upstreams;

    public Pipelines(ServingModels models, Upstreams upstreams) {
        this.models = models;
        this.upstreams = upstreams;
    }

    public RefinementPipeline pipeline(String leader, String follower) {
        String leaderName = leader == null ? models.config().leader() : leader;
        String followerName = follower == null ? models.config().follower() : follower;
        DraftSource source = upstreams.get(leaderName).<DraftSource>map(u -> u)
                .orElseGet(() -> new LocalLeader(models.registry().get(leaderName, "leader")));
        if (upstreams.get(followerName).isPresent()) {
            throw new InvalidRequestException("follower", "'" + followerName
                    + "' is an upstream model: an upstream can lead, but only a model loaded here can follow");
        }
        LoadedModel followerModel = models.registry().get(followerName, "follower");
        return new RefinementPipeline(source, followerModel);
    }

    /** Names of the upstream (foreign) leaders: they can lead a refinement but are not loaded here. */
    public Set<String> upstreamNames() {
        return upstreams.names();
    }

    /** The model id under which OpenAI clients reach the default pipeline. */
    public String id() {
        return models.config().refine().pipelineId();
    }

    public ServingModels models() {
        return models;
    }
}
