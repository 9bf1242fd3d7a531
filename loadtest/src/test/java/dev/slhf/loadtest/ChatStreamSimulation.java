package dev.slhf.loadtest;

import io.gatling.javaapi.core.Simulation;

/** Open-model load of one request kind ({@link Scenarios#chatStream()}); parameters in {@link LoadParams}. */
public class ChatStreamSimulation extends Simulation {
    {
        System.out.println("ChatStreamSimulation: " + LoadParams.describe());
        setUp(Scenarios.openLoad(Scenarios.chatStream()))
                .protocols(Scenarios.protocol())
                .assertions(Scenarios.assertions());
    }
}
