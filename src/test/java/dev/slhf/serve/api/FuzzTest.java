package dev.slhf.serve.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Hostile input: well over 500 malformed requests, generated from a fixed seed, against every
 * endpoint under /v1 — broken and truncated JSON, wrong types and out-of-range values for every
 * field, nulls, huge and non-finite numbers, unknown roles, empty and 10 000-message
 * conversations, 10 000-level nesting, invalid UTF-8, control characters, prompts far beyond the
 * context, wrong content types, bodies over {@code quarkus.http.limits.max-body-size} (with a
 * Content-Length and chunked), wrong methods and paths. Every answer must be a 4xx with the OpenAI
 * error body, and the server must stay ready and keep answering normal requests.
 *
 * <p>Not covered: a request line Vert.x itself rejects (a query string with a broken percent escape such
 * as {@code ?x=%ZZ}) gets Vert.x's empty 400 before any route or filter runs.
 *
 * <p>Requests go over a raw socket ({@link RawHttp}) so that nothing on the client side repairs them.
 */
@QuarkusTest
class FuzzTest {

    private static final long SEED = 20261127L;
    /** {@code quarkus.http.limits.max-body-size} in application.properties. */
    private static final int LIMIT = 2 * 1024 * 1024;
    private static final Set<Integer> ALLOWED = Set.of(400, 404, 405, 413, 415, 422);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RAW = "@@RAW@@";

    private static final String CHAT = "/v1/chat/completions";
    private static final String COMPLETIONS = "/v1/completions";
    private static final String REFINE = "/v1/refine";
    private static final String MODELS = "/v1/models";

    @TestHTTPResource("/")
    URL base;

    record Case(String label, String method, String path, String contentType, byte[] body, boolean chunked) {}

    private enum Kind { STR, INT, LONG, DBL, BOOL, MSGS, STOP, STREAM_OPTIONS, PROMPT_NODE }

    private static final Map<Kind, List<String>> WRONG_TYPES = Map.of(
            Kind.STR, List.of("{}", "[]", "[\"x\"]", "{\"a\":1}", "123", "true", "1.5"),
            Kind.INT, List.of("\"abc\"", "\"5\"", "\"\"", "1.5", "true", "{}", "[]", "[1]", "1e308", "-1e308",
                    "9223372036854775808", "2147483648", "-2147483649"),
            Kind.LONG, List.of("\"abc\"", "\"5\"", "1.5", "true", "{}", "[]", "1e308", "9223372036854775808",
                    "18446744073709551616", "-9223372036854775809"),
            Kind.DBL, List.of("\"abc\"", "\"0.5\"", "\"\"", "true", "{}", "[]", "[0.5]", "\"NaN\"", "\"Infinity\"",
                    "1e309", "-1e309"),
            Kind.BOOL, List.of("\"yes\"", "\"true\"", "\"\"", "1", "0", "2", "1.5", "{}", "[]", "[true]"),
            Kind.MSGS, List.of("\"hello\"", "5", "{}", "{\"role\":\"user\",\"content\":\"x\"}", "[1]", "[null]",
                    "[[]]", "[{}]", "[{\"role\":\"user\"}]", "[{\"content\":\"x\"}]", "[{\"role\":5,\"content\":\"x\"}]",
                    "[{\"role\":\"user\",\"content\":5}]", "[{\"role\":\"user\",\"content\":{}}]",
                    "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://x\"}}]}]",
                    "[{\"role\":\"user\",\"content\":[5]}]", "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":5}]}]",
                    "[{\"role\":\"user\",\"content\":null}]", "[{\"role\":null,\"content\":\"x\"}]", "[]", "null"),
            Kind.STOP, List.of("5", "{}", "[1]", "[\"\"]", "\"\"", "[null]", "[[\"a\"]]", "true", "[{}]",
                    seventeenStops()),
            Kind.STREAM_OPTIONS, List.of("\"x\"", "5", "[]", "true", "{\"include_usage\":\"maybe\"}",
                    "{\"include_usage\":{}}", "{\"include_usage\":[1]}"),
            Kind.PROMPT_NODE, List.of("5", "{}", "[]", "[\"a\",\"b\"]", "[5]", "\"\"", "[[1,2]]", "true", "[null]",
                    "null", "[\"\"]"));

    /** Values of the right type that are out of range for the field named. */
    private static final Map<String, List<String>> OUT_OF_RANGE = Map.ofEntries(
            Map.entry("max_tokens", List.of("0", "-1", "-2147483648", "1000000000", "1024", "2147483647")),
            Map.entry("max_completion_tokens", List.of("0", "-1", "5", "1000000000")),
            Map.entry("temperature", List.of("-0.5", "-1e308", "-0.0001")),
            Map.entry("top_p", List.of("0", "-0.1", "1.0001", "1e308", "-1e308")),
            Map.entry("top_k", List.of("-2", "-2147483648")),
            Map.entry("min_p", List.of("-0.1", "1.5", "1e308")),
            Map.entry("repetition_penalty", List.of("0", "-1", "-1e308")),
            Map.entry("n", List.of("0", "-1", "17", "1000000", "2147483647")),
            Map.entry("top_logprobs", List.of("-1", "21", "1000000", "2147483647")),
            Map.entry("logprobs", List.of("-1", "21", "1000000")),
            Map.entry("refinement_rounds", List.of("-1", "1000000", "2147483647")),
            Map.entry("rounds", List.of("-1", "1000000", "2147483647")),
            Map.entry("model", List.of("\"nope\"", "\"\"", "\" tiny\"", "\"TINY\"", "\"../tiny\"", "\"tiny\\u0000\"",
                    "\"\\u0001\\u0002\\u001f\"", "\"" + "m".repeat(10_000) + "\"")),
            Map.entry("leader", List.of("\"nope\"", "\"\"", "\"\\u0000\"")),
            Map.entry("follower", List.of("\"nope\"", "\"\"", "\"\\u0000\"")),
            Map.entry("follower_prompt", List.of("\"\"")),
            Map.entry("prompt", List.of("\"\"")));

    private static final Map<String, Kind> CHAT_FIELDS = fields("model", Kind.STR, "messages", Kind.MSGS,
            "max_tokens", Kind.INT, "max_completion_tokens", Kind.INT, "temperature", Kind.DBL, "top_p", Kind.DBL,
            "top_k", Kind.INT, "min_p", Kind.DBL, "repetition_penalty", Kind.DBL, "seed", Kind.LONG, "stop", Kind.STOP,
            "n", Kind.INT, "stream", Kind.BOOL, "stream_options", Kind.STREAM_OPTIONS, "logprobs", Kind.BOOL,
            "top_logprobs", Kind.INT, "user", Kind.STR, "refinement_rounds", Kind.INT);
    private static final Map<String, Kind> COMPLETION_FIELDS = fields("model", Kind.STR, "prompt", Kind.PROMPT_NODE,
            "max_tokens", Kind.INT, "temperature", Kind.DBL, "top_p", Kind.DBL, "top_k", Kind.INT, "min_p", Kind.DBL,
            "repetition_penalty", Kind.DBL, "seed", Kind.LONG, "stop", Kind.STOP, "n", Kind.INT, "stream", Kind.BOOL,
            "stream_options", Kind.STREAM_OPTIONS, "logprobs", Kind.INT, "user", Kind.STR, "refinement_rounds", Kind.INT);
    private static final Map<String, Kind> REFINE_FIELDS = fields("prompt", Kind.STR, "messages", Kind.MSGS,
            "leader", Kind.STR, "follower", Kind.STR, "draft", Kind.STR, "rounds", Kind.INT, "follower_prompt", Kind.STR,
            "stop_when_unchanged", Kind.BOOL, "max_tokens", Kind.INT, "temperature", Kind.DBL, "top_p", Kind.DBL,
            "top_k", Kind.INT, "min_p", Kind.DBL, "repetition_penalty", Kind.DBL, "seed", Kind.LONG, "stop", Kind.STOP,
            "stream", Kind.BOOL);

    private static Map<String, Kind> fields(Object... pairs) {
        Map<String, Kind> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], (Kind) pairs[i + 1]);
        }
        return out;
    }

    private static String seventeenStops() {
        List<String> s = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            s.add("\"s" + i + "\"");
        }
        return "[" + String.join(",", s) + "]";
    }

    /** A valid body for each endpoint (and model); every case breaks one of these. */
    private record Base(String label, String path, ObjectNode body, Map<String, Kind> fields) {}

    private static List<Base> bases() {
        List<Base> out = new ArrayList<>();
        for (String model : List.of("tiny", "slhf")) {
            out.add(new Base("chat/" + model, CHAT, obj("{\"model\":\"" + model
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}],\"max_tokens\":4,\"temperature\":0}"),
                    CHAT_FIELDS));
            out.add(new Base("completions/" + model, COMPLETIONS, obj("{\"model\":\"" + model
                    + "\",\"prompt\":\"Hello\",\"max_tokens\":4,\"temperature\":0}"), COMPLETION_FIELDS));
        }
        out.add(new Base("refine", REFINE, obj("{\"prompt\":\"Hello\",\"rounds\":1,\"max_tokens\":4,\"temperature\":0}"),
                REFINE_FIELDS));
        return out;
    }

    private static ObjectNode obj(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    /** {@code body} with {@code field} set to the raw JSON text {@code value} (which may be invalid JSON). */
    private static String with(ObjectNode body, String field, String value) {
        ObjectNode copy = body.deepCopy();
        copy.set(field, TextNode.valueOf(RAW));
        return copy.toString().replace("\"" + RAW + "\"", value);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String nested(int depth, String open, String close, String inner) {
        return open.repeat(depth) + inner + close.repeat(depth);
    }

    static List<Case> generate(Random rnd) {
        List<Case> cases = new ArrayList<>();
        List<Base> bases = bases();
        for (Base b : bases) {
            String json = b.body().toString();
            String l = b.label();
            // --- wrong types and out-of-range values, field by field
            for (Map.Entry<String, Kind> f : b.fields().entrySet()) {
                String field = f.getKey();
                ObjectNode body = b.body();
                if (b.path().equals(REFINE) && field.equals("messages")) {
                    body = body.deepCopy();
                    body.remove("prompt");
                }
                if (field.equals("refinement_rounds") && !l.endsWith("slhf")) {
                    // only the pipeline reads it; a plain model ignores the extra
                    List<String> values = new ArrayList<>(WRONG_TYPES.get(f.getValue()));
                    for (String v : values) {
                        cases.add(post(l + " " + field + "=" + v, b.path(), with(maybeStream(body, rnd), field, v)));
                    }
                    continue;
                }
                List<String> values = new ArrayList<>(WRONG_TYPES.get(f.getValue()));
                values.addAll(OUT_OF_RANGE.getOrDefault(field, List.of()));
                for (String v : values) {
                    ObjectNode target = field.equals("stream") ? body : maybeStream(body, rnd);
                    cases.add(post(l + " " + field + "=" + abbreviate(v), b.path(), with(target, field, v)));
                }
                if (field.equals("top_logprobs")) {
                    ObjectNode withLogprobs = body.deepCopy().put("logprobs", true);
                    for (String v : OUT_OF_RANGE.get("top_logprobs")) {
                        cases.add(post(l + " logprobs=true top_logprobs=" + v, b.path(), with(withLogprobs, field, v)));
                    }
                }
            }
            // --- required fields missing or null
            for (String required : List.of("model", "messages", "prompt")) {
                if (b.body().has(required)) {
                    ObjectNode missing = b.body().deepCopy();
                    missing.remove(required);
                    cases.add(post(l + " missing " + required, b.path(), missing.toString()));
                    cases.add(post(l + " " + required + "=null", b.path(), with(b.body(), required, "null")));
                }
            }
            // --- invalid JSON
            for (String bad : List.of("", "{", "}", "[", "]", "null", "[]", "123", "\"x\"", "true", "{\"model\":}",
                    "{'model':'tiny'}", "{model:\"tiny\"}", json.substring(0, json.length() - 1) + ",}",
                    json + "}", "NaN", "Infinity", json.replace("\"temperature\":0", "\"temperature\":NaN"),
                    json.replace("\"temperature\":0", "\"temperature\":-Infinity"),
                    json.replace("\"Hello\"", "\"\\uZZZZ\""), json.replace("\"Hello\"", "\"bad \\q escape\""),
                    "/* comment */" + json, json.replace("\"Hello\"", "'Hello'"), "[" + json + "]", "{\"\":}")) {
                cases.add(post(l + " invalid json " + abbreviate(bad), b.path(), bad));
            }
            for (int i = 0; i < 6; i++) {
                int cut = 1 + rnd.nextInt(json.length() - 1);
                cases.add(post(l + " truncated at " + cut, b.path(), json.substring(0, cut)));
            }
            for (int i = 0; i < 3; i++) {
                byte[] garbage = new byte[1 + rnd.nextInt(2000)];
                rnd.nextBytes(garbage);
                cases.add(new Case(l + " random bytes " + garbage.length, "POST", b.path(), "application/json", garbage,
                        false));
            }
            // --- invalid UTF-8 inside a string, and raw control characters
            String textField = b.body().has("messages") ? "\"Hello\"" : "\"Hello\"";
            int at = json.indexOf(textField) + 3;
            byte[][] invalid = {{(byte) 0xFF}, {(byte) 0xFE}, {(byte) 0x80}, {(byte) 0xC3, 0x28},
                {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
            for (byte[] seq : invalid) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] bytes = utf8(json);
                out.write(bytes, 0, at);
                out.writeBytes(seq);
                out.write(bytes, at, bytes.length - at);
                cases.add(new Case(l + " invalid utf-8 " + hex(seq), "POST", b.path(), "application/json",
                        out.toByteArray(), false));
            }
            for (int i = 0; i < 4; i++) {
                char c = (char) rnd.nextInt(0x20);
                cases.add(post(l + " raw control char " + (int) c, b.path(),
                        json.substring(0, at) + c + json.substring(at)));
            }
            // --- prompts far beyond the context (1024 tokens), plain and control characters
            String huge = "hello ".repeat(20_000);
            String controls = "\\u0001\\u0002\\u0007\\u001b".repeat(2_000);
            for (String big : List.of(huge, controls)) {
                String kind = big == huge ? "words" : "control chars";
                for (boolean stream : List.of(false, true)) {
                    if (stream && b.path().equals(COMPLETIONS) && l.endsWith("slhf")) {
                        continue; // the pipeline does not stream here: refused on 'stream' already
                    }
                    ObjectNode s = b.body().deepCopy().put("stream", stream);
                    String key = b.body().has("messages") ? "messages" : "prompt";
                    String value = key.equals("messages") ? "[{\"role\":\"user\",\"content\":\"" + big + "\"}]"
                            : "\"" + big + "\"";
                    cases.add(post(l + " prompt beyond context (" + kind + ") stream=" + stream, b.path(),
                            with(s, key, value)));
                }
            }
            // --- 10 000 messages, empty and nested conversations
            if (b.fields().containsKey("messages")) {
                ObjectNode body = b.body().deepCopy();
                body.remove("prompt");
                String one = "{\"role\":\"user\",\"content\":\"hi\"}";
                String many = "[" + String.join(",", java.util.Collections.nCopies(10_000, one)) + "]";
                cases.add(post(l + " 10000 messages", b.path(), with(body, "messages", many)));
                cases.add(post(l + " 10000 messages stream", b.path(), with(body.deepCopy().put("stream", true),
                        "messages", many)));
                String lastBad = many.substring(0, many.length() - 1 - one.length())
                        + "{\"role\":\"wizard\",\"content\":\"hi\"}]";
                cases.add(post(l + " 10000 messages, last role unknown", b.path(), with(body, "messages", lastBad)));
                for (String role : List.of("wizard", "", "USER", "tool", "function", "\\u0000")) {
                    cases.add(post(l + " role " + role, b.path(), with(body, "messages",
                            "[{\"role\":\"" + role + "\",\"content\":\"hi\"}]")));
                }
            }
            // --- deep nesting: 10 000 levels in every place JSON is read
            for (String where : List.of("top", "unknown field", "stop", b.body().has("messages") ? "messages" : "prompt")) {
                String arrays = nested(10_000, "[", "]", "1");
                String objects = nested(10_000, "{\"a\":", "}", "1");
                for (String deep : List.of(arrays, objects)) {
                    String body = where.equals("top") ? deep : with(b.body(), where.equals("unknown field") ? "x" : where, deep);
                    cases.add(post(l + " nested 10000 " + (deep == arrays ? "arrays" : "objects") + " in " + where,
                            b.path(), body));
                }
            }
            // --- wrong content types for a valid body
            for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=x", "application/octet-stream", "garbage", "application/jsonx",
                    "text/html; charset=utf-8")) {
                cases.add(new Case(l + " content-type " + type, "POST", b.path(), type, utf8(json), false));
            }
            cases.add(new Case(l + " no body, no content-type", "POST", b.path(), null, null, false));
            // --- bodies over the size limit
            String pad = "x".repeat(LIMIT);
            byte[] over = utf8(with(b.body(), "user", "\"" + pad + "\""));
            byte[] far = utf8(with(b.body(), "user", "\"" + pad.repeat(4) + "\""));
            cases.add(new Case(l + " body over limit (content-length)", "POST", b.path(), "application/json", over, false));
            cases.add(new Case(l + " body over limit (chunked)", "POST", b.path(), "application/json", over, true));
            cases.add(new Case(l + " body 4x limit (content-length)", "POST", b.path(), "application/json", far, false));
            cases.add(new Case(l + " body 4x limit (chunked)", "POST", b.path(), "application/json", far, true));
            byte[] justOver = new byte[LIMIT + 1];
            java.util.Arrays.fill(justOver, (byte) ' ');
            cases.add(new Case(l + " limit+1 bytes of whitespace", "POST", b.path(), "application/json", justOver, false));
        }
        // --- wrong methods and paths
        Map<String, String> allowed = Map.of(CHAT, "POST", COMPLETIONS, "POST", REFINE, "POST", MODELS, "GET");
        for (Map.Entry<String, String> e : allowed.entrySet()) {
            for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH")) {
                if (!method.equals(e.getValue())) {
                    boolean body = !method.equals("GET") && !method.equals("DELETE");
                    cases.add(new Case(method + " " + e.getKey(), method, e.getKey(), body ? "application/json" : null,
                            body ? utf8("{}") : null, false));
                }
            }
        }
        for (String path : List.of("/v1", "/v1/", "/v1/chat", "/v1/chat/completion", "/v1/chat/completions/x",
                "/v1/completions/1", "/v1/model", "/v1/models/nope", "/v1/refine/stream",
                "/v1/embeddings", "/v1/completions%00", "/v1/%7e",
                "/v1/" + "a".repeat(3000))) {
            cases.add(new Case("GET " + abbreviate(path), "GET", path, null, null, false));
            cases.add(new Case("POST " + abbreviate(path), "POST", path, "application/json",
                    utf8("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), false));
        }
        return cases;
    }

    private static ObjectNode maybeStream(ObjectNode body, Random rnd) {
        return rnd.nextInt(3) == 0 ? body.deepCopy().put("stream", true) : body;
    }

    private static Case post(String label, String path, String body) {
        return new Case(label, "POST", path, "application/json", utf8(body), false);
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02X", b & 0xFF));
        }
        return s.toString();
    }

    static String abbreviate(String s) {
        String one = s.replaceAll("\\p{Cntrl}", "?");
        return one.length() <= 60 ? one : one.substring(0, 57) + "...(" + s.length() + " chars)";
    }

    /** Null if {@code r} is a proper client error, else what is wrong with it. */
    static String problem(RawHttp.Response r) {
        if (!ALLOWED.contains(r.status())) {
            return "status " + r.status();
        }
        String type = r.headers().getOrDefault("content-type", "");
        if (!type.startsWith("application/json")) {
            return "content-type '" + type + "'";
        }
        JsonNode error;
        try {
            error = JSON.readTree(r.body()).get("error");
        } catch (IOException e) {
            return "body is not JSON";
        }
        if (error == null || !error.isObject()) {
            return "no error object";
        }
        if (!error.path("message").isTextual() || error.get("message").asText().isBlank()) {
            return "error.message is not a non-empty string";
        }
        if (!error.path("type").isTextual()) {
            return "error.type is not a string";
        }
        for (String key : List.of("param", "code")) {
            if (!error.has(key) || !(error.get(key).isNull() || error.get(key).isTextual())) {
                return "error." + key + " missing or not a string/null";
            }
        }
        return null;
    }

    /** The limit's other side: bodies up to it are served, chunked or with a Content-Length. */
    @Test
    void bodiesWithinTheLimitAreServedChunkedOrNot() throws Exception {
        for (Base b : bases().subList(0, 1)) {
            ObjectNode body = b.body();
            String small = body.toString();
            String padded = with(body, "user", "\"" + "x".repeat(LIMIT - small.length() - 64) + "\"");
            assertTrue(padded.length() <= LIMIT && padded.length() > LIMIT - 100);
            for (String text : List.of(small, padded)) {
                for (boolean chunked : List.of(false, true)) {
                    RawHttp.Response r = RawHttp.send(base.getHost(), base.getPort(), "POST", b.path(),
                            "application/json", utf8(text), chunked, 60_000);
                    assertEquals(200, r.status(), () -> text.length() + " bytes, chunked=" + chunked + ": " + r.text());
                    assertEquals("chat.completion", JSON.readTree(r.body()).path("object").asText());
                }
            }
        }
    }

    @Test
    void malformedRequestsGetOpenAiShapedClientErrorsAndTheServerKeepsServing() throws Exception {
        for (Base b : bases()) {
            RawHttp.Response ok = RawHttp.send(base.getHost(), base.getPort(), "POST", b.path(), "application/json",
                    utf8(b.body().toString()), false, 60_000);
            assertEquals(200, ok.status(), () -> "the valid base body " + b.label() + " must succeed: " + ok.text());
        }
        List<Case> cases = generate(new Random(SEED));
        assertTrue(cases.size() >= 500, "at least 500 cases, got " + cases.size());
        Map<Integer, Integer> byStatus = new TreeMap<>();
        Map<String, Map<Integer, Integer>> byEndpoint = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        StringBuilder log = new StringBuilder();
        long t0 = System.nanoTime();
        for (Case c : cases) {
            RawHttp.Response r;
            long c0 = System.nanoTime();
            try {
                r = RawHttp.send(base.getHost(), base.getPort(), c.method(), c.path(), c.contentType(), c.body(),
                        c.chunked(), 30_000);
            } catch (IOException e) {
                byStatus.merge(-1, 1, Integer::sum);
                problems.add(c.label() + " -> no response: " + e);
                continue;
            }
            byStatus.merge(r.status(), 1, Integer::sum);
            String text = r.text();
            log.append(c.label()).append(" (").append((System.nanoTime() - c0) / 1_000_000).append(" ms)\n  -> ").append(r.status()).append(' ')
                    .append(text.length() > 400 ? text.substring(0, 400) + "..." : text).append('\n');
            String endpoint = Set.of(CHAT, COMPLETIONS, REFINE, MODELS).contains(c.path())
                    ? c.method() + " " + c.path() : "other paths under /v1";
            byEndpoint.computeIfAbsent(endpoint, k -> new TreeMap<>()).merge(r.status(), 1, Integer::sum);
            String problem = problem(r);
            if (problem != null) {
                problems.add(c.label() + " -> " + r.status() + " " + abbreviate(r.text()) + ": " + problem);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("FuzzTest: %d malformed requests in %.1f s (seed %d); by status: %s%n", cases.size(), seconds,
                SEED, byStatus);
        byEndpoint.forEach((e, counts) -> System.out.println("FuzzTest:   " + e + " " + counts));
        problems.forEach(p -> System.out.println("FuzzTest PROBLEM: " + p));
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/fuzz-responses.txt"), log);

        RawHttp.Response ready = RawHttp.send(base.getHost(), base.getPort(), "GET", "/q/health/ready", null, null,
                false, 30_000);
        assertEquals(200, ready.status(), "still ready: " + ready.text());
        RawHttp.Response normal = RawHttp.send(base.getHost(), base.getPort(), "POST", CHAT, "application/json",
                utf8("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello again\"}],"
                        + "\"max_tokens\":4,\"temperature\":0}"), false, 60_000);
        assertEquals(200, normal.status(), normal.text());
        assertEquals("chat.completion", JSON.readTree(normal.body()).path("object").asText());
        assertTrue(problems.isEmpty(), problems.size() + " bad answers:\n" + String.join("\n", problems));
    }
}
