package dev.slhf.serve.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Debian's {@code promtool check metrics}, when installed; the Java parse is the primary check. */
final class Promtool {

    private static final File BINARY = new File("/usr/bin/promtool");

    private Promtool() {}

    /** The lint problems promtool reports, one per line; empty when promtool is absent. */
    static Optional<List<String>> lint(String exposition) throws Exception {
        if (!BINARY.canExecute()) {
            return Optional.empty();
        }
        Files.writeString(Path.of("target", "promtool-input.txt"), exposition); // to rerun it by hand
        Path out = Files.createTempFile("promtool", ".txt");
        try {
            Process p = new ProcessBuilder(BINARY.getPath(), "check", "metrics").redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool finished");
            List<String> problems = Files.readAllLines(out).stream().filter(l -> !l.isBlank()).toList();
            assertTrue(p.exitValue() == 0 || !problems.isEmpty(), "promtool failed without saying why");
            return Optional.of(problems);
        } finally {
            Files.delete(out);
        }
    }
}
