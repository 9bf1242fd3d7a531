package dev.slhf.serve.api.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The structural rules a client generator and a linter rely on, checked in Java so the suite needs
 * no Node (.ci/run also runs the real Redocly lint on the document OpenApiClientTest saves):
 * operationIds present and unique, summaries, tags defined, a description on every response, an
 * error schema on every error status, no empty schema, every $ref resolving, and the fields that
 * used to be untyped now typed.
 */
@QuarkusTest
class OpenApiDocumentTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private JsonNode doc;

    @BeforeEach
    void fetch() throws Exception {
        doc = new ObjectMapper().readTree(ServedDocument.fetch());
    }

    @Test
    void infoServersAndTags() {
        assertFalse(doc.path("info").path("title").asText().isEmpty());
        assertFalse(doc.path("info").path("version").asText().isEmpty());
        assertEquals("MIT", doc.path("info").path("license").path("name").asText());
        assertTrue(doc.path("servers").size() > 0, "servers");
        Set<String> tags = new HashSet<>();
        doc.path("tags").forEach(t -> {
            assertFalse(t.path("description").asText().isEmpty(), "tag description: " + t);
            tags.add(t.path("name").asText());
        });
        for (Operation op : operations()) {
            assertTrue(op.node().path("tags").size() > 0, op + " has a tag");
            op.node().path("tags").forEach(t -> assertTrue(tags.contains(t.asText()), op + ": tag " + t + " defined"));
        }
    }

    @Test
    void everyOperationHasAUniqueIdASummaryAndDescribedResponses() {
        Set<String> ids = new HashSet<>();
        for (Operation op : operations()) {
            String id = op.node().path("operationId").asText();
            assertTrue(id.matches("[a-z][A-Za-z]+"), op + ": operationId '" + id + "'");
            assertTrue(ids.add(id), "operationId " + id + " is unique");
            assertFalse(op.node().path("summary").asText().isEmpty(), op + ": summary");
            op.node().path("responses").fields().forEachRemaining(r -> {
                assertFalse(r.getValue().path("description").asText().isEmpty(), op + " " + r.getKey() + ": description");
                if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
                    assertEquals("#/components/schemas/ErrorResponse", r.getValue().path("content")
                            .path("application/json").path("schema").path("$ref").asText(), op + " " + r.getKey());
                }
            });
        }
        assertEquals(Set.of("createChatCompletion", "createCompletion", "createRefinement", "createResponse",
                "listModels", "retrieveModel", "tokenize", "detokenize", "applyTemplate", "getHealth", "getVersion"), ids);
    }

    @Test
    void errorStatusesAreThoseTheServerAnswers() {
        JsonNode chat = doc.path("paths").path("/v1/chat/completions").path("post").path("responses");
        for (String status : List.of("400", "401", "404", "408", "413", "415", "429", "500", "503", "504")) {
            assertTrue(chat.has(status), "chat documents " + status);
        }
        assertTrue(chat.path("429").path("headers").has("Retry-After"));
        assertTrue(doc.path("paths").path("/v1/models/{id}").path("get").path("responses").has("404"));
        JsonNode detail = doc.path("components").path("schemas").path("ErrorDetail");
        assertEquals(Set.of("message", "type", "param", "code"), strings(detail.path("required")));
    }

    @Test
    void noEmptySchemaAndEveryRefResolves() {
        List<String> problems = new ArrayList<>();
        walk(doc, "#", problems);
        assertEquals(List.of(), problems);
        assertFalse(doc.path("components").path("schemas").has("JsonNode"), "no field documented as Jackson's JsonNode");
    }

    @Test
    void contentRolesAndFinishReasonsAreTyped() {
        JsonNode schemas = doc.path("components").path("schemas");
        JsonNode message = schemas.path("ChatMessage");
        assertEquals(Set.of("role", "content"), strings(message.path("required")));
        assertEquals(Set.of("system", "developer", "user", "assistant"),
                strings(message.path("properties").path("role").path("enum")));
        assertEquals("#/components/schemas/MessageContent", message.path("properties").path("content").path("$ref").asText());
        JsonNode content = schemas.path("MessageContent").path("oneOf");
        assertEquals("string", content.path(0).path("type").asText());
        assertEquals("#/components/schemas/TextContentParts", content.path(1).path("$ref").asText());
        assertEquals("array", schemas.path("TextContentParts").path("type").asText());
        assertTrue(strings(schemas.path("ChatCompletionChoice").path("properties").path("finish_reason").path("enum"))
                .containsAll(Set.of("stop", "length")));
        assertEquals(Set.of("leader", "draft", "follower"),
                strings(schemas.path("RefinementRound").path("properties").path("role").path("enum")));
        assertEquals(Set.of("chat.completion.chunk"),
                strings(schemas.path("ChatCompletionChunk").path("properties").path("object").path("enum")));
    }

    @Test
    void streamsDescribeTheirEvents() {
        for (String path : List.of("/v1/chat/completions", "/v1/completions", "/v1/refine", "/v1/responses")) {
            JsonNode sse = doc.path("paths").path(path).path("post").path("responses").path("200").path("content")
                    .path("text/event-stream").path("schema");
            assertTrue(sse.has("$ref"), path + " text/event-stream schema: " + sse);
        }
        JsonNode refine = doc.path("components").path("schemas").path("RefinementStreamEvent");
        assertEquals(5, refine.path("anyOf").size(), refine.toString());
        assertTrue(refine.path("description").asText().contains("round.start"));
    }

    @Test
    void bearerSchemeDeclaredAndOptionalWithoutKeys() {
        JsonNode scheme = doc.path("components").path("securitySchemes").path("bearerAuth");
        assertEquals("http", scheme.path("type").asText());
        assertEquals("bearer", scheme.path("scheme").asText());
        // no keys in the test profile: either no key or a bearer one is accepted
        assertEquals("[{},{\"bearerAuth\":[]}]", doc.path("security").toString());
    }

    static Set<String> strings(JsonNode array) {
        Set<String> out = new HashSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    record Operation(String method, String path, JsonNode node) {
        @Override
        public String toString() {
            return method.toUpperCase() + " " + path;
        }
    }

    private List<Operation> operations() {
        List<Operation> out = new ArrayList<>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(m -> {
            if (METHODS.contains(m.getKey())) {
                out.add(new Operation(m.getKey(), p.getKey(), m.getValue()));
            }
        }));
        assertFalse(out.isEmpty());
        return out;
    }

    /** Empty objects are only allowed as the anonymous security requirement. */
    private void walk(JsonNode node, String at, List<String> problems) {
        if (node.isObject()) {
            if (node.isEmpty() && !at.matches("#/security/\\d+")) {
                problems.add("empty object at " + at);
            }
            JsonNode ref = node.get("$ref");
            if (ref != null && !resolves(ref.asText())) {
                problems.add("unresolved " + ref.asText() + " at " + at);
            }
            node.fields().forEachRemaining(f -> walk(f.getValue(), at + "/" + f.getKey(), problems));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), at + "/" + i, problems);
            }
        }
    }

    private boolean resolves(String ref) {
        assertNotNull(ref);
        if (!ref.startsWith("#/")) {
            return false;
        }
        JsonNode target = doc;
        for (String part : ref.substring(2).split("/")) {
            target = target.path(part.replace("~1", "/").replace("~0", "~"));
        }
        return !target.isMissingNode();
    }
}
