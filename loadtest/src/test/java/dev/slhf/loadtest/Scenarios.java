package dev.slhf.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** The four request kinds, the open-model injection profile and the assertions every simulation uses. */
public final class Scenarios {

    private Scenarios() {}

    /** Short prompts of the kind the demo model was trained on; real models answer them too. */
    static final List<String> PROMPTS = List.of(
            "Sort these numbers from smallest to largest: 42 7 19 3",
            "Reverse the order of these words: red green blue",
            "Add 123 and 45",
            "Write the word banana backwards",
            "Which is larger, 0.9 or 0.45?",
            "Name three primary colours");

    /** An endless feeder: a random prompt and seed per request. */
    static Iterator<Map<String, Object>> feeder() {
        Supplier<Map<String, Object>> next = () -> Map.of(
                "prompt", PROMPTS.get(ThreadLocalRandom.current().nextInt(PROMPTS.size())),
                "seed", ThreadLocalRandom.current().nextInt(1_000_000));
        return Stream.generate(next).iterator();
    }

    public static HttpProtocolBuilder protocol() {
        return http.baseUrl(LoadParams.BASE_URL)
                .contentTypeHeader("application/json")
                .userAgentHeader("slhf-serve-loadtest (Gatling)")
                .shareConnections(); // many users, few TCP connections, like a real client pool
    }

    private static String refineBody(boolean stream) {
        return "{\"prompt\": \"#{prompt}\", \"rounds\": " + LoadParams.ROUNDS + ", \"max_tokens\": " + LoadParams.MAX_TOKENS
                + ", \"temperature\": " + LoadParams.TEMPERATURE + ", \"seed\": #{seed}" + (stream ? ", \"stream\": true" : "") + "}";
    }

    private static String chatBody(boolean stream) {
        return "{\"model\": \"" + LoadParams.MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"#{prompt}\"}], "
                + "\"max_tokens\": " + LoadParams.MAX_TOKENS + ", \"temperature\": " + LoadParams.TEMPERATURE
                + ", \"seed\": #{seed}" + (stream ? ", \"stream\": true" : "") + "}";
    }

    /** POST /v1/refine, JSON response: every round plus the final text. */
    public static ScenarioBuilder refine() {
        return scenario("refine").feed(feeder()).exec(http("POST /v1/refine").post("/v1/refine")
                .header("Accept", "application/json")
                .body(StringBody(refineBody(false)))
                .check(status().is(200),
                        jsonPath("$.rounds[*]").count().is(LoadParams.ROUNDS + 1),
                        jsonPath("$.final").exists()));
    }

    /**
     * POST /v1/refine with "stream": true: Server-Sent Events round.start, delta, round.end, ..., done
     * (issue 3). The whole event stream is read as one response, so the response time is the time
     * to the last event; the check fails on an error event or a stream without its done event.
     */
    public static ScenarioBuilder refineStream() {
        return scenario("refine-stream").feed(feeder()).exec(http("POST /v1/refine (SSE)").post("/v1/refine")
                .header("Accept", "text/event-stream, application/json") // SSE, or a JSON error
                .body(StringBody(refineBody(true)))
                .check(status().is(200),
                        substring("event: round.start").exists(),
                        substring("event: round.end").count().is(LoadParams.ROUNDS + 1),
                        substring("event: error").notExists(),
                        substring("event: done").exists()));
    }

    /** POST /v1/chat/completions, non-streaming. */
    public static ScenarioBuilder chat() {
        return scenario("chat").feed(feeder()).exec(http("POST /v1/chat/completions").post("/v1/chat/completions")
                .header("Accept", "application/json")
                .body(StringBody(chatBody(false)))
                .check(status().is(200),
                        jsonPath("$.object").is("chat.completion"),
                        jsonPath("$.choices[0].message.content").exists()));
    }

    /** POST /v1/chat/completions with "stream": true: chat.completion.chunk events, then data: [DONE]. */
    public static ScenarioBuilder chatStream() {
        return scenario("chat-stream").feed(feeder()).exec(http("POST /v1/chat/completions (SSE)").post("/v1/chat/completions")
                .header("Accept", "text/event-stream, application/json") // SSE, or a JSON error
                .body(StringBody(chatBody(true)))
                .check(status().is(200),
                        substring("chat.completion.chunk").exists(),
                        substring("\"finish_reason\"").exists(),
                        bodyString().transform(b -> b.stripTrailing().endsWith("data: [DONE]")).is(true)));
    }

    public static ScenarioBuilder byName(String name) {
        return switch (name.trim()) {
            case "refine" -> refine();
            case "refine-stream" -> refineStream();
            case "chat" -> chat();
            case "chat-stream" -> chatStream();
            default -> throw new IllegalArgumentException("unknown scenario '" + name + "' (refine, refine-stream, chat, chat-stream)");
        };
    }

    /** Open model: ramp linearly to the target arrival rate, then hold it. */
    public static PopulationBuilder openLoad(ScenarioBuilder scn) {
        OpenInjectionStep ramp = rampUsersPerSec(0).to(LoadParams.RATE).during(LoadParams.RAMP);
        OpenInjectionStep hold = constantUsersPerSec(LoadParams.RATE).during(LoadParams.HOLD);
        return scn.injectOpen(ramp, hold);
    }

    /** No failed request at all, and the p95 response time under the bound. */
    public static Assertion[] assertions() {
        return new Assertion[] {
            global().failedRequests().percent().is(0.0),
            global().responseTime().percentile(95.0).lt(LoadParams.P95_MS)
        };
    }
}
