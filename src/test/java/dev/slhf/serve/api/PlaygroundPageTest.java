package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The playground at {@code /} (README, Playground) without a browser: it is served by the application,
 * every URL it uses is relative (so a path prefix works) and nothing comes from another host. The page's
 * behaviour is tested in a real browser by loadtest/browser (run from .ci/run).
 */
@QuarkusTest
class PlaygroundPageTest {

    private static final List<String> FILES = List.of("/", "/playground/app.js", "/playground/sse.js",
            "/playground/diff.js", "/playground/style.css");

    /** src/href attributes and url(...) in CSS. */
    private static final Pattern REFERENCE = Pattern.compile("(?:src|href)\\s*=\\s*\"([^\"]*)\"|url\\(\\s*['\"]?([^'\")]*)");

    @Test
    void theRootServesThePageWithItsScriptsAndStyle() {
        String html = given().get("/").then().statusCode(200).contentType(ContentType.HTML).extract().asString();
        assertThat(html).contains("<title>slhf-serve playground</title>")
                .contains("<script src=\"playground/app.js\">")
                .contains("<link rel=\"stylesheet\" href=\"playground/style.css\">");
        for (String file : FILES) {
            given().get(file).then().statusCode(200);
        }
    }

    @Test
    void noAbsoluteApiUrlAndNoExternalScriptOrStyle() {
        for (String file : FILES) {
            String text = given().get(file).then().statusCode(200).extract().asString();
            // "/v1/..." would miss a path prefix; the page must say "v1/..."
            assertThat(text).as(file).doesNotContainPattern("[\"'`(]/v1/");
            assertThat(text).as(file).doesNotContainPattern("(?i)(?:src|href)\\s*=\\s*\"(?:https?:)?//");
            assertThat(text).as(file).doesNotContainPattern("(?i)@import|url\\(\\s*['\"]?(?:https?:)?//");
            Matcher m = REFERENCE.matcher(text);
            while (m.find()) {
                String ref = m.group(1) != null ? m.group(1) : m.group(2);
                // relative, in-page (#...), or an inline data: URL; never rooted at "/" or on another host
                assertThat(ref).as(file + " references " + ref)
                        .matches(r -> r.startsWith("#") || r.startsWith("data:") || r.startsWith("playground/"));
            }
        }
    }

    @Test
    void theApiCallsArePrefixRelative() {
        String js = given().get("/playground/app.js").then().statusCode(200).extract().asString();
        assertThat(js).contains("fetch(\"v1/models\"").contains("fetch(\"v1/refine\"");
    }
}
