package dev.slhf.serve.model.template;

import com.hubspot.jinjava.el.TruthyTypeConverter;
import java.util.Collection;
import java.util.Map;

/**
 * Jinjava's EL type conversion with Python's rules where they differ: str() for '~' and other
 * implicit string conversions (True/False, Python float spelling and container reprs), and
 * truthiness for {@code not}, {@code or} and {@code x if c else y}.
 */
final class PyTypeConverter extends TruthyTypeConverter {

    @Override
    protected Boolean coerceToBoolean(Object value) {
        return PyTruth.of(value);
    }

    @Override
    protected String coerceToString(Object value) {
        if (value instanceof Boolean || value instanceof Number || value instanceof Collection
                || value instanceof Map) {
            return PyRepr.str(value);
        }
        return super.coerceToString(value);
    }
}
