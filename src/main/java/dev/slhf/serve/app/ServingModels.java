package dev.slhf.serve.app;

import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.ModelRegistry;
import dev.slhf.serve.refine.FollowerPrompt;
import dev.slhf.serve.refine.RefinementPipeline;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Loads every configured model at start-up (a broken model stops the process with a message
 * naming the file) and builds the refinement pipeline. When leader and follower share a name,
 * the pipeline holds the same loaded copy twice.
 */
@Startup
@ApplicationScoped
public class ServingModels {

    private static final Logger LOG = Logger.getLogger(ServingModels.class);

    private final ModelRegistry registry;
    private final RefinementPipeline pipeline;
    private final FollowerPrompt followerPrompt;
    private final SlhfConfig config;

    public ServingModels(SlhfConfig config, MeterRegistry meters) {
        this.config = config;
        Map<String, LoadedModel> loaded = new LinkedHashMap<>();
        if (config.models().isEmpty()) {
            loaded.putAll(DemoModels.load(name -> new EngineMeters(meters, name)));
        } else {
            for (String role : new String[] {config.leader(), config.follower()}) {
                if (!config.models().containsKey(role)) {
                    throw new IllegalStateException("slhf.leader/slhf.follower name '" + role
                            + "', which is not among slhf.models: " + config.models().keySet());
                }
            }
            try {
                config.models().forEach((name, mc) -> loaded.put(name,
                        ModelLoader.load(name, mc, new EngineMeters(meters, name))));
            } catch (RuntimeException e) {
                loaded.values().forEach(LoadedModel::close);
                throw e;
            }
        }
        this.registry = new ModelRegistry(loaded);
        registry.all().forEach(m -> EngineMeters.registerGauges(meters, m));
        this.pipeline = new RefinementPipeline(registry.get(config.leader(), "leader"),
                registry.get(config.follower(), "follower"));
        this.followerPrompt = config.refine().followerPrompt().map(FollowerPrompt::new).orElse(FollowerPrompt.paper());
        LOG.infof("Refinement pipeline: leader '%s', follower '%s'%s, %d rounds by default", config.leader(),
                config.follower(), config.leader().equals(config.follower()) ? " (one copy, both roles)" : "",
                config.refine().rounds());
    }

    public ModelRegistry registry() {
        return registry;
    }

    public RefinementPipeline pipeline() {
        return pipeline;
    }

    public FollowerPrompt followerPrompt() {
        return followerPrompt;
    }

    public SlhfConfig config() {
        return config;
    }

    @PreDestroy
    void close() {
        registry.close();
    }
}
