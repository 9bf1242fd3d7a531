package dev.slhf.serve.model.onnx;

/**
 * Session settings pushed in from configuration; the adapter never reads configuration itself.
 *
 * @param intraOpThreads threads one operator may use; 0 means "all available cores"
 * @param device         {@link Device#CPU}, or {@link Device#CUDA} (needs the onnxruntime_gpu build)
 * @param deviceId       CUDA device ordinal
 */
public record OnnxOptions(int intraOpThreads, int interOpThreads, Device device, int deviceId) {

    public enum Device { CPU, CUDA }

    public OnnxOptions {
        if (device == null) {
            throw new IllegalArgumentException("device is required");
        }
        if (deviceId < 0) {
            throw new IllegalArgumentException("device id must be >= 0, got " + deviceId);
        }
    }

    public OnnxOptions(int intraOpThreads, int interOpThreads) {
        this(intraOpThreads, interOpThreads, Device.CPU, 0);
    }

    public static OnnxOptions defaults() {
        return new OnnxOptions(0, 1);
    }

    /** Parses the {@code device} setting ({@code cpu} or {@code cuda}, any case). */
    public static Device device(String name) {
        for (Device d : Device.values()) {
            if (d.name().equalsIgnoreCase(name.trim())) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown device '" + name + "': use cpu or cuda");
    }

    int effectiveIntraOpThreads() {
        return intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors();
    }
}
