package dev.slhf.serve.api;

import java.util.UUID;

/** Response ids in the OpenAI style ({@code chatcmpl-<hex>}). */
public final class Ids {
    private Ids() {}

    public static String next(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "");
    }

    public static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }
}
