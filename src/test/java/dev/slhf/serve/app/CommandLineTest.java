package dev.slhf.serve.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void flagsMapToTheConfigurationKeys() {
        var start = assertInstanceOf(CommandLine.Start.class, CommandLine.parse("--model", "a=/m/a", "--model=b=/m/b=x",
                "--variant", "a=q4", "--variant=b=onnx/model_fp16.onnx", "--leader", "a", "--follower=b",
                "--host", "127.0.0.1", "--port", "9000", "--api-key", "k1", "--api-key=k2"));
        assertEquals(Map.ofEntries(Map.entry("slhf.models.a.path", "/m/a"), Map.entry("slhf.models.b.path", "/m/b=x"),
                Map.entry("slhf.models.a.variant", "q4"), Map.entry("slhf.models.b.variant", "onnx/model_fp16.onnx"),
                Map.entry("slhf.leader", "a"), Map.entry("slhf.follower", "b"), Map.entry("quarkus.http.host", "127.0.0.1"),
                Map.entry("quarkus.http.port", "9000"), Map.entry("slhf.api-keys", "k1,k2")), start.properties());
        assertEquals(Map.of(), assertInstanceOf(CommandLine.Start.class, CommandLine.parse()).properties());
    }

    @Test
    void helpWinsWhereverItIs() {
        assertInstanceOf(CommandLine.Help.class, CommandLine.parse("--port", "1", "--help"));
        assertInstanceOf(CommandLine.Help.class, CommandLine.parse("-h"));
        assertTrue(CommandLine.USAGE.contains("--model NAME=PATH"));
    }

    @Test
    void mistakesAreNamed() {
        assertTrue(invalid("--bogus").contains("'--bogus'"));
        assertTrue(invalid("serve").contains("'serve'"));
        assertTrue(invalid("--port").contains("needs a value"));
        assertTrue(invalid("--port", "--leader", "a").contains("--port needs a value"));
        assertTrue(invalid("--port", "http").contains("0 to 65535"));
        assertTrue(invalid("--port", "70000").contains("0 to 65535"));
        assertTrue(invalid("--model", "nopath").contains("NAME=PATH"));
        assertTrue(invalid("--model", "a b=/x").contains("NAME=PATH"));
        assertTrue(invalid("--model", "a=").contains("NAME=PATH"));
        assertTrue(invalid("--api-key", "a,b").contains("one key"));
        assertTrue(invalid("--variant", "q4").contains("NAME=VARIANT"));
        assertTrue(invalid("--variant", "a=").contains("NAME=VARIANT"));
        assertTrue(invalid("--leader=").contains("non-empty"));
    }

    private static String invalid(String... args) {
        return assertInstanceOf(CommandLine.Invalid.class, CommandLine.parse(args)).message();
    }
}
