package dev.slhf.serve.engine;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The loaded models by name, in configuration order. Immutable once built. */
public final class ModelRegistry implements AutoCloseable {

    private final Map<String, LoadedModel> models;

    public ModelRegistry(Map<String, LoadedModel> models) {
        this.models = new LinkedHashMap<>(models);
    }

    /** @throws UnknownModelException naming {@code param} when no such model is loaded */
    public LoadedModel get(String name, String param) {
        LoadedModel m = name == null ? null : models.get(name);
        if (m == null) {
            throw new UnknownModelException(param, String.valueOf(name));
        }
        return m;
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
