package dev.slhf.serve.app.upstream;

/**
 * An upstream leader did not give a usable answer. Not the client's fault and not ours: the HTTP
 * layer answers 502, or 504 for {@link Kind#TIMEOUT}, and no follower round runs.
 */
public class UpstreamFailedException extends RuntimeException {

    /** What went wrong, also the {@code kind} tag of {@code slhf_upstream_errors_total}. */
    public enum Kind {
        /** The upstream answered with an error status. */
        HTTP_ERROR,
        /** No connection could be made. */
        UNREACHABLE,
        /** No answer within {@code upstream.timeout}. */
        TIMEOUT,
        /** A 2xx answer without a message content. */
        BAD_RESPONSE;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Kind kind;

    public UpstreamFailedException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
