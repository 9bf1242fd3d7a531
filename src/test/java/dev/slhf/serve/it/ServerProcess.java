package dev.slhf.serve.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged server ({@code target/quarkus-app/quarkus-run.jar}) as a real child process. */
final class ServerProcess implements AutoCloseable {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
    /** The small test model every IT serves. */
    static final Path FIXTURE = Path.of("src/test/resources/fixture/tiny-qwen").toAbsolutePath();

    /** A copy of the fixture whose model.onnx holds {@code content} instead of a graph (a bad download). */
    static Path fixtureWithCorruptModel(String prefix, String content) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        for (String f : List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(FIXTURE.resolve(f), dir.resolve(f));
        }
        Files.writeString(dir.resolve("model.onnx"), content);
        return dir;
    }

    final Process process;
    final Path log;
    final int port;

    private ServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code java <props> -jar quarkus-run.jar} in {@code workDir}. */
    static ServerProcess start(Path workDir, List<String> systemProperties) throws IOException {
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.addAll(systemProperties);
        cmd.add("-jar");
        cmd.add(JAR.toString());
        Path log = Files.createTempFile("slhf-server", ".log");
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new ServerProcess(p, log, port);
    }

    /** Waits until {@code /v1/models} answers, or the process dies, or the deadline passes. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(url("/v1/models")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        return false;
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(log);
    }
}
