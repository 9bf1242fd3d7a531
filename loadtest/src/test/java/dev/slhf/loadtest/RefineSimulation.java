package dev.slhf.loadtest;

import io.gatling.javaapi.core.Simulation;

/** Open-model load of one request kind ({@link Scenarios#refine()}); parameters in {@link LoadParams}. */
public class RefineSimulation extends Simulation {
    {
        System.out.println("RefineSimulation: " + LoadParams.describe());
        setUp(Scenarios.openLoad(Scenarios.refine()))
                .protocols(Scenarios.protocol())
                .assertions(Scenarios.assertions());
    }
}
