package dev.slhf.serve.engine;

import java.time.Duration;

/**
 * When a request must be done by, on the {@link System#nanoTime()} clock (immune to wall-clock
 * jumps), with the budget it was given so the error can say how long that was.
 */
public record Deadline(long atNanos, Duration budget) {

    public static Deadline after(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos(), budget);
    }

    public boolean passed() {
        return System.nanoTime() - atNanos >= 0;
    }
}
