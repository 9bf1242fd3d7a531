package dev.slhf.loadtest;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.Arrays;
import java.util.List;

/**
 * Several request kinds at once, each at the full {@code rate}: {@code -Dscenarios=refine,chat}
 * (the default; what loadtest/smoke.sh runs), or any of refine, refine-stream, chat, chat-stream.
 */
public class MixedSimulation extends Simulation {
    {
        List<PopulationBuilder> load = Arrays.stream(LoadParams.SCENARIOS.split(","))
                .filter(s -> !s.isBlank()).map(Scenarios::byName).map(Scenarios::openLoad).toList();
        System.out.println("MixedSimulation [" + LoadParams.SCENARIOS + "]: " + LoadParams.describe());
        setUp(load).protocols(Scenarios.protocol()).assertions(Scenarios.assertions());
    }
}
