package dev.slhf.serve.app.upstream;

import dev.slhf.serve.app.ServingMeters;
import dev.slhf.serve.app.SlhfConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The configured foreign leaders ({@code slhf.models.<name>.upstream.*}), one REST client each. */
@ApplicationScoped
public class Upstreams {

    private final Map<String, UpstreamLeader> leaders = new LinkedHashMap<>();

    public Upstreams(SlhfConfig config, ServingMeters meters) {
        config.models().forEach((name, mc) -> mc.upstream()
                .ifPresent(u -> leaders.put(name, UpstreamLeader.create(name, u, meters))));
    }

    /** The configured names, in configuration order (listed by {@code GET /v1/models} as leaders). */
    public Set<String> names() {
        return Collections.unmodifiableSet(leaders.keySet());
    }

    public Optional<UpstreamLeader> get(String name) {
        return Optional.ofNullable(leaders.get(name));
    }
}
