package dev.slhf.loadtest;

import io.gatling.javaapi.core.Simulation;

/** Open-model load of one request kind ({@link Scenarios#refineStream()}); parameters in {@link LoadParams}. */
public class RefineStreamSimulation extends Simulation {
    {
        System.out.println("RefineStreamSimulation: " + LoadParams.describe());
        setUp(Scenarios.openLoad(Scenarios.refineStream()))
                .protocols(Scenarios.protocol())
                .assertions(Scenarios.assertions());
    }
}
