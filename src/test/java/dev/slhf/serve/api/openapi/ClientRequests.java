package dev.slhf.serve.api.openapi;

/**
 * The requests ClientDriver.java.txt builds with the generated client, as raw JSON, so the test
 * can compare its answers with the server's own. Greedy and ignore_eos: the same text each time,
 * and never empty on the random-weight fixture.
 */
final class ClientRequests {

    private ClientRequests() {}

    static final String CHAT = """
            {"model":"tiny","messages":[{"role":"system","content":"Answer briefly."},
             {"role":"user","content":[{"type":"text","text":"Add 123 and 45"}]}],
             "max_tokens":8,"temperature":0,"ignore_eos":true}""";

    static final String REFINE = """
            {"prompt":"Sort: 42 7 19 3","rounds":1,"max_tokens":6,"temperature":0,"ignore_eos":true}""";
}
