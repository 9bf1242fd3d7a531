package dev.slhf.serve.model;

import java.nio.file.Path;

/**
 * A model directory could not be loaded. The message always names the offending file and what is
 * wrong with it, because this is what an operator reads in the start-up log.
 */
public class ModelLoadException extends RuntimeException {

    public ModelLoadException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public ModelLoadException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"), cause);
    }
}
