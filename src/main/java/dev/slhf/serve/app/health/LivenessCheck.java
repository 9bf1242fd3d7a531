package dev.slhf.serve.app.health;

import dev.slhf.serve.app.ServingState;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Alive = every model's engine thread is running; a dead one would never answer again, so restart. */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    private final ServingState state;

    public LivenessCheck(ServingState state) {
        this.state = state;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("engines").status(state.enginesAlive()).build();
    }
}
