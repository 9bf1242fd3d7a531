package dev.slhf.serve.model.onnx;

/**
 * Session settings pushed in from configuration; the adapter never reads configuration itself.
 *
 * @param intraOpThreads threads one operator may use; 0 means "all available cores"
 */
public record OnnxOptions(int intraOpThreads, int interOpThreads) {

    public static OnnxOptions defaults() {
        return new OnnxOptions(0, 1);
    }

    int effectiveIntraOpThreads() {
        return intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors();
    }
}
