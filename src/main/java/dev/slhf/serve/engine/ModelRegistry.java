package dev.slhf.serve.engine;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loaded models by name, in configuration order, plus the optional ones that failed to load
 * (with why). Immutable once built.
 */
public final class ModelRegistry implements AutoCloseable {

    private final Map<String, LoadedModel> models;
    private final Map<String, String> missing;

    public ModelRegistry(Map<String, LoadedModel> models) {
        this(models, Map.of());
    }

    public ModelRegistry(Map<String, LoadedModel> models, Map<String, String> missing) {
        this.models = new LinkedHashMap<>(models);
        this.missing = Collections.unmodifiableMap(new LinkedHashMap<>(missing));
    }

    /**
     * @throws ModelUnavailableException when the name is a configured model that failed to load
     * @throws UnknownModelException     naming {@code param} when no such model is configured
     */
    public LoadedModel get(String name, String param) {
        LoadedModel m = name == null ? null : models.get(name);
        if (m == null) {
            if (name != null && missing.containsKey(name)) {
                throw new ModelUnavailableException(param, name, missing.get(name));
            }
            throw new UnknownModelException(param, String.valueOf(name));
        }
        return m;
    }

    /** Optional models that failed to load: name → reason. */
    public Map<String, String> missing() {
        return missing;
    }

    public boolean contains(String name) {
        return models.containsKey(name);
    }

    public Collection<LoadedModel> all() {
        return models.values();
    }

    @Override
    public void close() {
        models.values().forEach(LoadedModel::close);
    }
}
