package dev.slhf.serve.app;

import dev.slhf.serve.engine.GenerationCancelledException;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.template.ChatMessage;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Where the server is in its life: warming up (each model runs one real generation after loading,
 * so the first client does not pay for ONNX Runtime's lazy initialisation), serving, or draining
 * after SIGTERM. The health checks report it; the drain gate reads it.
 *
 * <p>Draining starts on Quarkus' pre-shutdown notification: from then on new generation requests
 * get 503, while Quarkus' graceful shutdown lets in-flight requests finish for up to
 * {@code quarkus.shutdown.timeout}. Shortly before that runs out, whatever is still generating is
 * cancelled, so every stream still ends with an error event instead of a cut connection.
 */
@ApplicationScoped
public class ServingState {

    private static final Logger LOG = Logger.getLogger(ServingState.class);
    static final String READY = "ready";
    static final String WARMING = "warming up";

    private final ServingModels models;
    private final Optional<Duration> shutdownTimeout;
    private final Map<String, String> modelStatus = new ConcurrentHashMap<>();
    private volatile boolean warmedUp;
    private volatile boolean draining;

    public ServingState(ServingModels models,
            @ConfigProperty(name = "quarkus.shutdown.timeout") Optional<Duration> shutdownTimeout) {
        this.models = models;
        this.shutdownTimeout = shutdownTimeout;
        models.registry().all().forEach(m -> modelStatus.put(m.name(), WARMING));
    }

    void onStart(@Observes StartupEvent event) {
        Thread t = new Thread(this::warmUp, "warm-up");
        t.setDaemon(true);
        t.start();
    }

    private void warmUp() {
        boolean allOk = true;
        for (LoadedModel m : models.registry().all()) {
            long t0 = System.nanoTime();
            try {
                int[] prompt = m.manifest().chatTemplate().isPresent()
                        ? m.encodeChat(List.of(new ChatMessage("user", "Hello")))
                        : m.encode("Hello");
                m.generate(prompt, SamplingParams.greedy(2), e -> {}).result().get(5, TimeUnit.MINUTES);
                modelStatus.put(m.name(), READY);
                LOG.infof("Model '%s' warmed up in %d ms", m.name(), (System.nanoTime() - t0) / 1_000_000);
            } catch (Exception e) {
                allOk = false;
                modelStatus.put(m.name(), "warm-up failed: " + e);
                LOG.errorf(e, "Warm-up generation of model '%s' failed; readiness stays DOWN", m.name());
            }
        }
        warmedUp = allOk;
    }

    /**
     * Quarkus' own shutdown notice (also on {@code Quarkus.asyncExit}): from here on the gate
     * refuses new requests. After a signal, {@link #drainAndStop} has already done the real work.
     */
    void onShutdownNotice(@Observes ShutdownDelayInitiatedEvent event) {
        draining = true;
    }

    /**
     * The drain that runs on SIGTERM/SIGINT ({@link ShutdownSignals}) before the JVM's shutdown
     * hooks: it must be over before they start, because ONNX Runtime's own hook releases the native
     * environment while Quarkus' graceful shutdown would still let the engines run on it.
     * Refuses new work, lets in-flight generations finish within the timeout, cancels the rest
     * (their streams end with an error event), then stops the engines and releases the sessions.
     */
    public void drainAndStop() {
        draining = true;
        Duration timeout = shutdownTimeout.orElse(Duration.ZERO);
        LOG.infof("Draining: readiness DOWN, new requests get 503, %d generation(s) in flight may finish within %s s",
                inFlight(), timeout.toMillis() / 1000.0);
        // leave a moment after cancelling for the error events to go out before Quarkus' own deadline
        long margin = Math.min(2000, timeout.toMillis() / 5);
        if (!awaitIdle(timeout.toMillis() - margin)) {
            for (LoadedModel m : models.registry().all()) {
                int n = m.engine().runningCount() + m.engine().waitingCount();
                if (n > 0) {
                    LOG.warnf("Drain timeout: cancelling %d generation(s) of model '%s'", n, m.name());
                }
                m.engine().abortAll(new GenerationCancelledException("the server is shutting down"));
            }
            awaitIdle(margin);
        }
        models.registry().close();
        LOG.info("Drained: engines stopped");
    }

    private int inFlight() {
        int n = 0;
        for (LoadedModel m : models.registry().all()) {
            n += m.engine().runningCount() + m.engine().waitingCount();
        }
        return n;
    }

    private boolean awaitIdle(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis));
        while (inFlight() > 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    public boolean warmedUp() {
        return warmedUp;
    }

    public boolean draining() {
        return draining;
    }

    /** Model name → "ready", "warming up", "warm-up failed: …", or "missing: …" (optional, not loaded). */
    public Map<String, String> modelStatus() {
        Map<String, String> out = new LinkedHashMap<>();
        for (LoadedModel m : models.registry().all()) {
            out.put(m.name(), modelStatus.getOrDefault(m.name(), WARMING));
        }
        models.registry().missing().forEach((name, why) -> out.put(name, "missing: " + why));
        return out;
    }

    public boolean enginesAlive() {
        return models.registry().all().stream().allMatch(m -> m.engine().isAlive());
    }
}
