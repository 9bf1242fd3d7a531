package dev.slhf.serve.model.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Behaviour around rendering: sharing one template across threads, and rejecting bad ones. */
class ChatTemplateTest {

    /**
     * One ChatTemplate per template text, rendered by many threads at once over all reference
     * cases in random order; every result must still be the jinja2 reference for its case.
     */
    @Test
    void concurrentRendersOfSharedTemplatesMatchReference() throws Exception {
        List<Map<String, Object>> cases = TemplateVectors.cases("vectors.json");
        Map<String, ChatTemplate> templates = new LinkedHashMap<>();
        for (Map<String, Object> c : cases) {
            templates.computeIfAbsent((String) c.get("template"), t -> new ChatTemplate(t, "<s>", "</s>"));
        }
        List<Map<String, Object>> work = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            work.addAll(cases);
        }
        Collections.shuffle(work, new Random(42));

        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (Map<String, Object> c : work) {
                ChatTemplate template = templates.get((String) c.get("template"));
                Callable<String> render = () -> {
                    start.await();
                    try {
                        return template.render(TemplateVectors.context(c));
                    } catch (TemplateException e) {
                        return "raised: " + e.getMessage();
                    }
                };
                results.add(pool.submit(render));
            }
            start.countDown();
            for (int i = 0; i < work.size(); i++) {
                Map<String, Object> c = work.get(i);
                String expected = c.containsKey("expected") ? (String) c.get("expected")
                        : "raised: " + c.get("expected_error");
                assertEquals(expected, results.get(i).get(60, TimeUnit.SECONDS),
                        c.get("template_name") + "/" + c.get("conversation"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void missingTemplateIsRejectedClearly() {
        for (String source : new String[] {null, "", "  \n"}) {
            TemplateRenderException e = assertThrows(TemplateRenderException.class,
                    () -> new ChatTemplate(source, "<s>", "</s>"));
            assertTrue(e.getMessage().contains("missing"), e.getMessage());
        }
    }

    @Test
    void syntaxErrorsAreReportedWhenTheTemplateIsLoaded() {
        // The broken expression sits in a branch no request may ever take: still rejected.
        TemplateRenderException badExpression = assertThrows(TemplateRenderException.class,
                () -> new ChatTemplate("{% if tools %}{{ tools | length + }}{% endif %}ok", null, null));
        assertTrue(badExpression.getMessage().contains("tools | length +"),
                badExpression.getMessage());

        TemplateRenderException unclosed = assertThrows(TemplateRenderException.class,
                () -> new ChatTemplate("{% for m in messages %}{{ m.content }}", null, null));
        assertTrue(unclosed.getMessage().contains("endfor"), unclosed.getMessage());

    }

    @Test
    void unknownFunctionsFailOnlyWhenReached() {
        ChatTemplate template = new ChatTemplate(
                "{% if tools %}{{ no_such_function(tools) }}{% endif %}ok", null, null);
        assertEquals("ok", template.render(List.of(new ChatMessage("user", "hi")), false));
        TemplateRenderException e = assertThrows(TemplateRenderException.class,
                () -> template.render(Map.of("tools", List.of(1), "messages", List.of())));
        assertTrue(e.getMessage().contains("no_such_function"), e.getMessage());
    }

    @Test
    void strftimeNowReadsTheGivenClock() {
        java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2024-02-29T23:05:09Z"),
                java.time.ZoneOffset.UTC);
        ChatTemplate template = new ChatTemplate(
                "{{ strftime_now('%d %b %Y|%B %d, %Y|%A %H:%M:%S %p %j %y') }}", null, null, Map.of(), clock);
        assertEquals("29 Feb 2024|February 29, 2024|Thursday 23:05:09 PM 060 24",
                template.render(List.of(new ChatMessage("user", "hi")), false));
        assertThrows(TemplateRenderException.class, () -> new ChatTemplate("{{ strftime_now('%Q') }}", null, null,
                Map.of(), clock).render(List.of(new ChatMessage("user", "hi")), false));
    }

    @Test
    void unknownFiltersAndTestsFailOnlyWhenReachedNamingTheTemplateLine() {
        // A tool branch using a filter the renderer lacks must not stop plain chats (jinja2 3.x
        // also defers "No filter named" inside an if to when the branch runs).
        String source = "{% if tools %}\n{{ tools | no_such_filter }}\n{% endif %}"
                + "{% if messages | length > 5 %}\n\n{{ 1 is no_such_test }}{% endif %}ok";
        ChatTemplate template = new ChatTemplate(source, null, null);
        assertEquals("ok", template.render(List.of(new ChatMessage("user", "hi")), false));

        TemplateRenderException filter = assertThrows(TemplateRenderException.class,
                () -> template.render(Map.of("tools", List.of(Map.of("name", "f")), "messages", List.of())));
        assertTrue(filter.getMessage().contains("line 2: no filter named 'no_such_filter'"),
                filter.getMessage());

        List<ChatMessage> six = java.util.Collections.nCopies(6, new ChatMessage("user", "x"));
        TemplateRenderException test = assertThrows(TemplateRenderException.class,
                () -> template.render(six, false));
        assertTrue(test.getMessage().contains("line 5: no test named 'no_such_test'"),
                test.getMessage());
    }

    @Test
    void renderFailuresAreNotMistakenForTemplateRejections() {
        // jinja2 raises TypeError for str + None; Jinjava alone would print "null" into the prompt.
        ChatTemplate template = new ChatTemplate(
                "{% for m in messages %}{{ '<' + m.content + '>' }}{% endfor %}", null, null);
        Map<String, Object> turn = new LinkedHashMap<>();
        turn.put("role", "assistant");
        turn.put("content", null);
        TemplateRenderException e = assertThrows(TemplateRenderException.class,
                () -> template.render(Map.of("messages", List.of(turn))));
        assertTrue(e.getMessage().contains("NoneType"), e.getMessage());
    }

    @Test
    void raiseExceptionCarriesExactlyTheTemplatesMessage() {
        ChatTemplate template = new ChatTemplate(
                "{% if messages | length > 1 %}{{ raise_exception('Only ' ~ 1 ~ ' turn: \"' + "
                        + "messages[1].role + '\" given') }}{% endif %}", null, null);
        TemplateException e = assertThrows(TemplateException.class, () -> template.render(
                List.of(new ChatMessage("user", "a"), new ChatMessage("assistant", "b")), false));
        assertEquals("Only 1 turn: \"assistant\" given", e.getMessage());
    }

    @Test
    void templatesCannotModifyTheCallersConversation() {
        ChatTemplate template = new ChatTemplate("{{ messages.pop() }}", null, null);
        List<Map<String, Object>> messages = new ArrayList<>();
        messages.add(new LinkedHashMap<>(Map.of("role", "user", "content", "hi")));
        assertThrows(TemplateRenderException.class,
                () -> template.render(Map.of("messages", messages)));
        assertEquals(1, messages.size());
    }

    @Test
    void constructorTokensAreGlobalsThatTheContextCanOverride() {
        ChatTemplate template = new ChatTemplate("{{ bos_token }}|{{ eos_token }}|{{ pad_token }}",
                "<s>", "</s>", Map.of("pad_token", "<pad>"));
        assertEquals("<s>|</s>|<pad>", template.render(List.of(), false));
        assertEquals("<s>|<eot>|<pad>", template.render(Map.of("eos_token", "<eot>")));

        Map<String, Object> withMissingToken = new HashMap<>();
        withMissingToken.put("pad_token", null);
        ChatTemplate noBos = new ChatTemplate("[{{ bos_token }}][{{ pad_token }}]{{ bos_token is defined }}",
                null, "</s>", withMissingToken);
        assertEquals("[][]False", noBos.render(List.of(), false));
    }

    @Test
    void outputDoesNotDependOnTheDefaultLocale() {
        ChatTemplate template = new ChatTemplate("{{ 'i' | upper }}{{ 'I'.lower() }}|{{ 1.5 }}|"
                + "{{ {'x': 0.25} | tojson }}|{{ 'title' | title }}", null, null);
        Locale saved = Locale.getDefault();
        try {
            for (Locale locale : List.of(new Locale("tr", "TR"), Locale.GERMANY, Locale.ROOT)) {
                Locale.setDefault(locale);
                // Rendered by jinja2: the same on every machine.
                assertEquals("Ii|1.5|{\"x\": 0.25}|Title", template.render(Map.of()), locale.toString());
            }
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void absentContentIsAnEmptyTurn() {
        assertEquals("", new ChatMessage("user", null).content());
    }
}
