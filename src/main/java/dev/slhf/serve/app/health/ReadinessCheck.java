package dev.slhf.serve.app.health;

import dev.slhf.serve.app.ServingState;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready = every loaded model has run its warm-up generation and the server is not draining.
 * Optional models that failed to load are listed as {@code missing: …} but do not hold readiness
 * down: the rest is served, and a pod that can never become ready would only restart in a loop.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    private final ServingState state;

    public ReadinessCheck(ServingState state) {
        this.state = state;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("models")
                .status(state.warmedUp() && !state.draining());
        state.modelStatus().forEach(b::withData);
        if (state.draining()) {
            b.withData("draining", true);
        }
        return b.build();
    }
}
