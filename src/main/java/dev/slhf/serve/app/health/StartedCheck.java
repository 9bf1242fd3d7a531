package dev.slhf.serve.app.health;

import dev.slhf.serve.app.ServingState;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/**
 * Started = models loaded and warmed up. Kubernetes' startupProbe polls this, so a slow model load
 * is not mistaken for a hung process by the liveness probe; unlike readiness it never goes back down.
 */
@Startup
@ApplicationScoped
public class StartedCheck implements HealthCheck {

    private final ServingState state;

    public StartedCheck(ServingState state) {
        this.state = state;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("models-warmed-up").status(state.warmedUp()).build();
    }
}
