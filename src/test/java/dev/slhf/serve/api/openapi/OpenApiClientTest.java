package dev.slhf.serve.api.openapi;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document is good enough to generate a working client: the served {@code /q/openapi}
 * is fed to openapi-generator (the {@code java} generator, {@code okhttp-gson} library: OkHttp and
 * Gson are on the test classpath through openai-java, gson-fire is a test dependency), the client
 * is compiled together with
 * {@code ClientDriver.java} (a test resource written against the generated API, so a renamed
 * operation or schema fails compilation), and the driver makes a chat completion and a refinement
 * against this server with real inference. Its answers must equal what the same requests give
 * over raw HTTP: the client parsed them, and parsed them faithfully.
 *
 * <p>Why not the {@code native} library: its oneOf template writes {@code List<TextPart>.class}
 * for an array member, which does not compile (OpenAPITools/openapi-generator#17745, fixed for
 * okhttp-gson only), and {@code content} is rightly "a string or an array of parts".
 */
@QuarkusTest
class OpenApiClientTest {

    static final Path WORK = Path.of("target", "openapi");

    @TestHTTPResource("/")
    URL base;

    @Test
    void generatedClientMakesChatAndRefineCalls() throws Exception {
        Path spec = ServedDocument.save(WORK.resolve("openapi.json"));
        Path client = WORK.resolve("client");
        generate(spec, client);
        Path classes = compile(client);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Class<?> driver = loader.loadClass("dev.slhf.client.check.ClientDriver");
            String uri = base.toString().replaceAll("/$", "");

            String chat = (String) driver.getMethod("chat", String.class, String.class).invoke(null, uri, "tiny");
            String rawChat = given().contentType("application/json").body(ClientRequests.CHAT)
                    .post("/v1/chat/completions").then().statusCode(200).extract().path("choices[0].message.content");
            assertFalse(chat.isEmpty(), "chat content");
            assertEquals(rawChat, chat, "the generated client reads the same greedy answer as raw HTTP");

            @SuppressWarnings("unchecked")
            List<String> rounds = (List<String>) driver.getMethod("refine", String.class).invoke(null, uri);
            JsonPath raw = given().contentType("application/json").body(ClientRequests.REFINE)
                    .post("/v1/refine").then().statusCode(200).extract().jsonPath();
            assertEquals(List.of("leader", "follower"), raw.getList("rounds.role"));
            List<String> expected = new ArrayList<>(raw.<String>getList("rounds.text"));
            expected.add(raw.getString("final"));
            assertEquals(expected, rounds, "rounds' texts and final, as raw HTTP reads them");
            assertTrue(rounds.stream().noneMatch(String::isEmpty), "every round has text");

            String error = (String) driver.getMethod("badRequest", String.class).invoke(null, uri);
            assertTrue(error.startsWith("400 "), "a 4xx surfaces as the client's ApiException: " + error);
            assertTrue(error.contains("\"param\":\"messages\""), error);
        }
    }

    /** java -jar openapi-generator-cli.jar generate ..., in its own JVM (see pom.xml). */
    private static void generate(Path spec, Path out) throws IOException, InterruptedException {
        String jar = System.getProperty("openapi.generator.jar", "target/openapi-generator/openapi-generator-cli.jar");
        deleteTree(out);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar, "generate", "-i", spec.toString(), "-g", "java", "--library", "okhttp-gson",
                "-o", out.toString(), "--invoker-package", "dev.slhf.client",
                "--api-package", "dev.slhf.client.api", "--model-package", "dev.slhf.client.model",
                "--global-property", "apiTests=false,modelTests=false,apiDocs=false,modelDocs=false",
                "--additional-properties", "openApiNullable=false,useJakartaEe=true,hideGenerationTimestamp=true,annotationLibrary=none,"
                        + "containerDefaultToNull=true");
        Path log = WORK.resolve("generator.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("openapi-generator did not finish; see " + log);
        }
        assertEquals(0, p.exitValue(), () -> "openapi-generator failed:\n" + read(log));
    }

    /** The generated sources plus the driver, compiled against the test classpath. */
    private static Path compile(Path client) throws IOException {
        Path driverDir = client.resolve("src/main/java/dev/slhf/client/check");
        Files.createDirectories(driverDir);
        try (var in = OpenApiClientTest.class.getResourceAsStream("/openapi/ClientDriver.java.txt")) {
            Files.write(driverDir.resolve("ClientDriver.java"), in.readAllBytes());
        }
        List<String> sources;
        try (Stream<Path> files = Files.walk(client.resolve("src/main/java"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).toList();
        }
        Path classes = WORK.resolve("client-classes");
        deleteTree(classes);
        Files.createDirectories(classes);
        // surefire puts the real classpath here (java.class.path is only its booter jar)
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> args = new ArrayList<>(List.of("-nowarn", "-proc:none", "-encoding", "UTF-8", "--release", "17",
                "-cp", classpath, "-d", classes.toString()));
        args.addAll(sources);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        var errors = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, null, errors, args.toArray(String[]::new));
        assertEquals(0, rc, () -> "the generated client does not compile:\n" + errors.toString(StandardCharsets.UTF_8));
        return classes;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }
}
