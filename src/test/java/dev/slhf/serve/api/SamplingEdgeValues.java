package dev.slhf.serve.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Requests with extreme values in every sampling field, on every generating endpoint, drawn from
 * a fixed seed: each field gets the boundary and overflow values of its type (subnormal and
 * huge doubles, -0, int and long limits and one past them). The expectation is a property, not
 * an output: never a 5xx, and a 4xx is in the OpenAI error shape.
 */
public final class SamplingEdgeValues {

    /** One request: the path and the JSON body. */
    public record Case(String path, String body) {}

    private static final Map<String, List<String>> VALUES = new LinkedHashMap<>();

    static {
        List<String> tiny = List.of("0", "-0.0", "4.9E-324", "5.6e-309", "1e-308", "1e-38", "1e-5", "0.01");
        List<String> large = List.of("1", "2", "100", "1e38", "1.7976931348623157E308", "-1", "-1e-308");
        VALUES.put("temperature", concat(tiny, large));
        VALUES.put("top_p", concat(tiny, List.of("0.5", "1", "1.0000000000000002", "-1")));
        VALUES.put("min_p", concat(tiny, List.of("0.999999", "1", "1.0000000000000002", "-1")));
        VALUES.put("repetition_penalty", concat(tiny, large));
        VALUES.put("top_k", List.of("-2147483648", "-2", "-1", "0", "1", "2", "511", "512", "2147483647",
                "2147483648", "9223372036854775807"));
        VALUES.put("seed", List.of("0", "-1", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                "1e19", "2147483648"));
        VALUES.put("max_tokens", List.of("1", "2", "3", "0", "-1", "1023", "1024", "2147483647", "2147483648"));
    }

    private SamplingEdgeValues() {}

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * {@code count} requests. Each sets every sampling field, usually to a random extreme; every value
     * of every field appears at least once on each endpoint (the first requests walk through them).
     */
    public static List<Case> cases(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] endpoints = {"chat", "chat-stream", "completions", "completions-stream", "refine", "refine-stream",
            "pipeline"};
        List<Case> cases = new ArrayList<>();
        int longest = VALUES.values().stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < count; i++) {
            String endpoint = endpoints[i % endpoints.length];
            StringBuilder fields = new StringBuilder();
            for (Map.Entry<String, List<String>> field : VALUES.entrySet()) {
                List<String> values = field.getValue();
                int round = i / endpoints.length;
                String value = round < longest ? values.get(round % values.size()) : values.get(random.nextInt(values.size()));
                if (field.getKey().equals("max_tokens") && random.nextInt(4) != 0 && !value.startsWith("-")
                        && !value.equals("0") && value.length() > 4) {
                    // mostly keep generations short, so the property is checked on many requests quickly
                    value = String.valueOf(1 + random.nextInt(4));
                }
                fields.append(",\"").append(field.getKey()).append("\":").append(value);
            }
            if (random.nextBoolean()) {
                fields.append(",\"ignore_eos\":true");
            }
            cases.add(build(endpoint, fields.toString(), random));
        }
        return cases;
    }

    private static Case build(String endpoint, String fields, SplittableRandom random) {
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"Sort: 3 1 2\"}]";
        String logprobs = random.nextBoolean() ? ",\"logprobs\":true,\"top_logprobs\":" + random.nextInt(21) : "";
        return switch (endpoint) {
            case "chat" -> new Case("/v1/chat/completions", "{\"model\":\"tiny\"," + messages + fields + logprobs
                    + ",\"n\":" + (1 + random.nextInt(3)) + "}");
            case "chat-stream" -> new Case("/v1/chat/completions", "{\"model\":\"tiny\"," + messages + fields + logprobs
                    + ",\"stream\":true}");
            case "completions" -> new Case("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"Once\"" + fields
                    + ",\"logprobs\":" + random.nextInt(21) + "}");
            case "completions-stream" -> new Case("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"Once\"" + fields
                    + ",\"stream\":true}");
            case "refine" -> new Case("/v1/refine", "{\"prompt\":\"Sort: 3 1 2\",\"rounds\":1" + fields + "}");
            case "refine-stream" -> new Case("/v1/refine", "{\"prompt\":\"Sort: 3 1 2\",\"rounds\":1" + fields
                    + ",\"stream\":true}");
            default -> new Case("/v1/chat/completions", "{\"model\":\"slhf\"," + messages + fields
                    + ",\"refinement_rounds\":1}");
        };
    }

    /** Why {@code status}/{@code body} break the property, or null if they do not. */
    public static String violation(int status, String body) {
        if (status >= 500) {
            return "status " + status;
        }
        if (status >= 400 && !(body.contains("\"error\":{") && body.contains("\"message\":") && body.contains("\"type\":")
                && body.contains("\"param\":") && body.contains("\"code\":"))) {
            return "status " + status + " without the OpenAI error shape";
        }
        if (status == 200 && (body.contains("\"type\":\"server_error\"") || body.contains("event: error"))) {
            return "200 with an error event";
        }
        return null;
    }
}
