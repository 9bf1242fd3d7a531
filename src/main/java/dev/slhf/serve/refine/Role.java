package dev.slhf.serve.refine;

/** Who produced a round's text. */
public enum Role {
    /** Round 0 written by the leader model. */
    LEADER,
    /** Round 0 supplied by the caller. */
    DRAFT,
    /** Rounds 1..N. */
    FOLLOWER;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
