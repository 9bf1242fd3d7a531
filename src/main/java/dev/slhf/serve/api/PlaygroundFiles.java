package dev.slhf.serve.api;

/**
 * The playground's static files (META-INF/resources: {@code /}, {@code /index.html}, {@code /playground/*}).
 * They hold no data and no key, so they are readable without an API key: the page must load before
 * the user has typed one; every API call the page makes carries the key and is checked as usual.
 */
final class PlaygroundFiles {

    private PlaygroundFiles() {}

    /** True for a GET or HEAD of one of the page's files; {@code path} is relative to the HTTP root path. */
    static boolean isPageRead(String method, String path) {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return false;
        }
        return path.equals("/") || path.equals("/index.html")
                || (path.startsWith("/playground/") && !path.contains(".."));
    }
}
