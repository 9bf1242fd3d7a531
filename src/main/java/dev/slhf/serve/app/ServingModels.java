package dev.slhf.serve.app;

import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.ModelRegistry;
import dev.slhf.serve.refine.FollowerPrompt;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Loads every configured model at start-up (a broken model stops the process with a message
 * naming the file). Entries with an {@code upstream} are other servers, not loaded here (see
 * {@link Pipelines}). When leader and follower share a name, one loaded copy plays both roles.
 */
@Startup
@ApplicationScoped
public class ServingModels {

    private static final Logger LOG = Logger.getLogger(ServingModels.class);

    private final ModelRegistry registry;
    private final FollowerPrompt followerPrompt;
    private final SlhfConfig config;

    public ServingModels(SlhfConfig config, MeterSeries meters) {
        this.config = config;
        Map<String, LoadedModel> loaded = new LinkedHashMap<>();
        Map<String, String> missing = new LinkedHashMap<>();
        if (config.models().isEmpty()) {
            loaded.putAll(DemoModels.load(name -> new EngineMeters(meters, name), config.limits()));
        } else {
            config.models().forEach((name, mc) -> {
                if (mc.path().isPresent() == mc.upstream().isPresent()) {
                    throw new IllegalStateException("slhf.models." + name
                            + ": set exactly one of 'path' (a model directory) and 'upstream.url' (another server)");
                }
                if (mc.upstream().isPresent() && mc.variant().isPresent()) {
                    throw new IllegalStateException("slhf.models." + name + ".variant picks the weights of a model"
                            + " directory ('path'); an upstream server has none to pick");
                }
            });
            if (!config.models().containsKey(config.leader())) {
                throw new IllegalStateException("slhf.leader names '" + config.leader()
                        + "', which is not among slhf.models: " + config.models().keySet());
            }
            if (!config.models().containsKey(config.follower()) || config.models().get(config.follower()).path().isEmpty()) {
                throw new IllegalStateException("slhf.follower names '" + config.follower()
                        + "', which is not a local model among slhf.models (an upstream can lead, not follow)");
            }
            try {
                config.models().forEach((name, mc) -> {
                    if (mc.path().isEmpty()) {
                        return;
                    }
                    try {
                        loaded.put(name, ModelLoader.load(name, mc, config.limits(), new EngineMeters(meters, name)));
                    } catch (RuntimeException e) {
                        if (!mc.optional()) {
                            throw e;
                        }
                        // optional: serve the others; readiness and requests naming it say why it is absent
                        LOG.errorf("Optional model '%s' failed to load and is not served: %s", name, e.getMessage());
                        missing.put(name, e.getMessage());
                    }
                });
            } catch (RuntimeException e) {
                loaded.values().forEach(LoadedModel::close);
                throw e;
            }
        }
        this.registry = new ModelRegistry(loaded, missing);
        registry.all().forEach(m -> EngineMeters.registerGauges(meters, m));
        this.followerPrompt = config.refine().followerPrompt().map(FollowerPrompt::new).orElse(FollowerPrompt.paper());
        LOG.infof("Refinement pipeline: leader '%s', follower '%s'%s, %d rounds by default", config.leader(),
                config.follower(), config.leader().equals(config.follower()) ? " (one copy, both roles)" : "",
                config.refine().rounds());
    }

    public ModelRegistry registry() {
        return registry;
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
