package dev.slhf.serve.app;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import sun.misc.Signal;

/**
 * Takes SIGTERM (Kubernetes) and SIGINT (Ctrl-C) away from the JVM's default handler, which would
 * start every shutdown hook at once: ONNX Runtime's hook frees its native environment while
 * generations are still running on it, and the process dies of a segmentation fault. Here the
 * drain runs first ({@link ServingState#drainAndStop}), then the normal exit and its hooks.
 * Only in the packaged application: tests and dev mode keep the JVM's handlers.
 */
@ApplicationScoped
public class ShutdownSignals {

    private static final Logger LOG = Logger.getLogger(ShutdownSignals.class);

    private final ServingState state;
    private final AtomicBoolean started = new AtomicBoolean();

    public ShutdownSignals(ServingState state) {
        this.state = state;
    }

    void install(@Observes StartupEvent event) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return;
        }
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), this::onSignal);
            } catch (IllegalArgumentException e) {
                LOG.warnf("Cannot handle SIG%s here (%s); shutdown on it will not drain", name, e.getMessage());
            }
        }
    }

    private void onSignal(Signal signal) {
        if (!started.compareAndSet(false, true)) {
            return; // a second signal while draining: the drain is already bounded by its timeout
        }
        Thread t = new Thread(() -> {
            LOG.infof("SIG%s received", signal.getName());
            try {
                state.drainAndStop();
            } catch (RuntimeException e) {
                LOG.error("Drain failed; exiting anyway", e);
            }
            System.exit(0);
        }, "drain");
        t.start();
    }
}
