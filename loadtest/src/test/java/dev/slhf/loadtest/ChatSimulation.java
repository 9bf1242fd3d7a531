package dev.slhf.loadtest;

import io.gatling.javaapi.core.Simulation;

/** Open-model load of one request kind ({@link Scenarios#chat()}); parameters in {@link LoadParams}. */
public class ChatSimulation extends Simulation {
    {
        System.out.println("ChatSimulation: " + LoadParams.describe());
        setUp(Scenarios.openLoad(Scenarios.chat()))
                .protocols(Scenarios.protocol())
                .assertions(Scenarios.assertions());
    }
}
