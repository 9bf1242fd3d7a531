package dev.slhf.serve.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The packaged server's flags, each a shorthand for a configuration key (which keeps working as a
 * {@code -D} system property, an environment variable or in application.properties). Flags become
 * system properties before Quarkus starts, so they override the environment and the properties
 * file, as a command line is expected to. Both {@code --flag value} and {@code --flag=value} work.
 */
public final class CommandLine {

    public static final String USAGE = """
            Usage: java -jar quarkus-run.jar [options]

            Serves SLHF refinement (a leader draft, then follower rounds) and OpenAI-compatible APIs.
            Without --model, the bundled demo models are served.

            Options:
              --model NAME=PATH   serve the model directory PATH as NAME (repeatable)  slhf.models.NAME.path
              --variant NAME=V    weights of NAME's directory: q4, fp16, int8, ...     slhf.models.NAME.variant
                                  or a file name (onnx/model_q4.onnx); default model.onnx
              --leader NAME       model writing round 0                                slhf.leader
              --follower NAME     model refining it                                    slhf.follower
              --host HOST         interface to listen on (default 0.0.0.0)             quarkus.http.host
              --port PORT         port to listen on (default 8000)                     quarkus.http.port
              --api-key KEY       require Authorization: Bearer KEY (repeatable)       slhf.api-keys
              -h, --help          print this help and exit

            Every configuration key can also be set with -Dkey=value before -jar, or as an
            environment variable (SLHF_LEADER, QUARKUS_HTTP_PORT, ...); see README.md.
            """;

    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    /** What the arguments ask for: help, an error, or the configuration to start with. */
    public sealed interface Parsed {}

    public record Help() implements Parsed {}

    public record Invalid(String message) implements Parsed {}

    public record Start(Map<String, String> properties) implements Parsed {}

    private CommandLine() {}

    public static Parsed parse(String... args) {
        Map<String, String> props = new LinkedHashMap<>();
        List<String> apiKeys = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                return new Help();
            }
            if (!arg.startsWith("--")) {
                return new Invalid("unexpected argument '" + arg + "'");
            }
            String flag = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                flag = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!List.of("--model", "--variant", "--leader", "--follower", "--host", "--port", "--api-key").contains(flag)) {
                return new Invalid("unknown option '" + flag + "'");
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    return new Invalid(flag + " needs a value");
                }
                value = args[++i];
            }
            if (value.isEmpty()) {
                return new Invalid(flag + " needs a non-empty value");
            }
            switch (flag) {
                case "--model", "--variant" -> {
                    String what = flag.equals("--model") ? "PATH" : "VARIANT";
                    int sep = value.indexOf('=');
                    String name = sep > 0 ? value.substring(0, sep) : "";
                    if (sep < 0 || sep == value.length() - 1 || !MODEL_NAME.matcher(name).matches()) {
                        return new Invalid(flag + " takes NAME=" + what + " (NAME of letters, digits, '.', '_', '-'), got '"
                                + value + "'");
                    }
                    props.put("slhf.models." + name + (flag.equals("--model") ? ".path" : ".variant"), value.substring(sep + 1));
                }
                case "--leader" -> props.put("slhf.leader", value);
                case "--follower" -> props.put("slhf.follower", value);
                case "--host" -> props.put("quarkus.http.host", value);
                case "--port" -> {
                    int port;
                    try {
                        port = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        port = -1;
                    }
                    if (port < 0 || port > 65535) {
                        return new Invalid("--port takes a number from 0 to 65535, got '" + value + "'");
                    }
                    props.put("quarkus.http.port", Integer.toString(port));
                }
                case "--api-key" -> {
                    if (value.contains(",")) {
                        return new Invalid("--api-key takes one key (no commas); repeat it for several");
                    }
                    apiKeys.add(value);
                }
                default -> throw new IllegalStateException(flag);
            }
        }
        if (!apiKeys.isEmpty()) {
            props.put("slhf.api-keys", String.join(",", apiKeys));
        }
        return new Start(props);
    }
}
