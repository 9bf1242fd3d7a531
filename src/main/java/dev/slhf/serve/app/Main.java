package dev.slhf.serve.app;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of the packaged jar: reads the {@link CommandLine} flags, then starts Quarkus with
 * them as system properties. {@code --help} exits 0; a wrong flag prints the usage and exits 2,
 * the usual status for a usage error. With no arguments (tests, {@code quarkus:run}, every
 * deployment configured by properties) this is exactly Quarkus' own start.
 */
@QuarkusMain
public final class Main {

    private Main() {}

    public static void main(String... args) {
        CommandLine.Parsed parsed = CommandLine.parse(args);
        if (parsed instanceof CommandLine.Help) {
            System.out.print(CommandLine.USAGE);
        } else if (parsed instanceof CommandLine.Invalid invalid) {
            System.err.println("error: " + invalid.message());
            System.err.println();
            System.err.print(CommandLine.USAGE);
            System.exit(2);
        } else if (parsed instanceof CommandLine.Start start) {
            start.properties().forEach(System::setProperty);
            Quarkus.run();
        }
    }
}
