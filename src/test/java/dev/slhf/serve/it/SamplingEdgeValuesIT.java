package dev.slhf.serve.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slhf.serve.api.SamplingEdgeValues;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Item 4 on the packaged jar: extreme sampling values (the temperature 5.6e-309 and
 * repetition_penalty 1e-38 among them) never give a 5xx, and log no ERROR.
 */
class SamplingEdgeValuesIT {

    @Test
    void extremeSamplingValuesNeverGiveA5xxOrAnErrorLine() throws Exception {
        try (ServerProcess server = Loopback.start(List.of())) {
            List<String> violations = new ArrayList<>();
            int ok = 0;
            for (SamplingEdgeValues.Case c : SamplingEdgeValues.cases(17L, 140)) {
                HttpResponse<String> r = Loopback.post(server, c.path(), c.body(), Duration.ofSeconds(60));
                ok += r.statusCode() == 200 ? 1 : 0;
                String why = SamplingEdgeValues.violation(r.statusCode(), r.body());
                if (why != null) {
                    violations.add(why + ": " + c.path() + " " + c.body() + " -> " + r.body());
                }
            }
            assertThat(violations).isEmpty();
            assertThat(ok).as("some extreme values are valid and generate").isPositive();
            assertThat(Loopback.output(server)).doesNotContain(" ERROR ");
        }
    }
}
