package dev.slhf.serve.app;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The accepted API keys, from {@code slhf.api-keys} (or {@code SLHF_API_KEYS}) and
 * {@code slhf.api-keys-file}. Only SHA-256 digests are kept, so the keys themselves never sit in a
 * heap dump field or reach a log line; comparison is constant-time.
 */
@ApplicationScoped
public class ApiKeys {

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);

    private final List<byte[]> digests = new ArrayList<>();
    private final List<String> publicPaths;

    public ApiKeys(SlhfConfig config) {
        config.apiKeys().ifPresent(keys -> keys.forEach(this::add));
        config.apiKeysFile().ifPresent(file -> {
            try {
                for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && !line.strip().startsWith("#")) {
                        add(line);
                    }
                }
            } catch (IOException e) {
                // a configured but unreadable key file must not silently open the server
                throw new IllegalStateException("slhf.api-keys-file: cannot read " + file + ": " + e.getMessage(), e);
            }
        });
        this.publicPaths = List.copyOf(config.publicPaths());
        if (enabled()) {
            LOG.infof("API key authentication is on: %d key(s); open without a key: %s", digests.size(), publicPaths);
        } else {
            LOG.info("API key authentication is off (no slhf.api-keys / slhf.api-keys-file configured)");
        }
    }

    private void add(String key) {
        String k = key.strip();
        if (!k.isEmpty()) {
            digests.add(sha256(k));
        }
    }

    public boolean enabled() {
        return !digests.isEmpty();
    }

    /** True for a path that stays reachable without a key (probes, metrics). */
    public boolean isPublic(String path) {
        for (String prefix : publicPaths) {
            if (path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) {
                return true;
            }
        }
        return false;
    }

    public boolean accepts(String presented) {
        if (presented == null) {
            return false;
        }
        byte[] d = sha256(presented);
        boolean ok = false;
        for (byte[] known : digests) {
            ok |= MessageDigest.isEqual(known, d); // no early exit: timing does not tell which key is close
        }
        return ok;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
