package dev.slhf.serve.model.template;

import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Global functions Hugging Face adds to the template environment. */
final class TemplateFunctions {

    /**
     * Context key of the render's clock. Not a valid Jinja identifier, so no template can read or
     * overwrite it.
     */
    static final String CLOCK_KEY = "slhf:clock";

    private TemplateFunctions() {}

    /** {@code raise_exception(msg)}: the template's way to reject a conversation. */
    public static Object raiseException(Object message) {
        throw new TemplateException(String.valueOf(message));
    }

    /**
     * {@code strftime_now(fmt)}: transformers formats {@code datetime.now()} (the server's local
     * time); here the clock is the one the template was built with, so tests can pin the date.
     */
    public static String strftimeNow(Object format) {
        if (!(format instanceof String fmt)) {
            throw new TemplateRenderException("strftime_now expects a format string, got " + format);
        }
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        Object clock = interpreter == null ? null : interpreter.getContext().get(CLOCK_KEY);
        Clock c = clock instanceof Clock given ? given : Clock.systemDefaultZone();
        return PyStrftime.format(ZonedDateTime.now(c), fmt);
    }

    /**
     * jinja2's {@code dict(**kwargs)} (also {@code dict(mapping, **kwargs)} and
     * {@code dict(pairs)}), in insertion order. Read-only, as the sandbox makes every container.
     */
    public static Map<Object, Object> dict(Object... args) {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Object arg : args == null ? new Object[0] : args) {
            if (arg instanceof NamedParameter named) {
                out.put(named.getName(), named.getValue());
            } else if (arg instanceof Map<?, ?> map) {
                out.putAll(map);
            } else if (arg instanceof List<?> pairs) {
                for (Object pair : pairs) {
                    if (!(pair instanceof List<?> kv) || kv.size() != 2) {
                        throw new TemplateRenderException("dict(): each item must be a (key, value) pair");
                    }
                    out.put(kv.get(0), kv.get(1));
                }
            } else {
                throw new TemplateRenderException("dict(): cannot build a dict from " + PyRepr.repr(arg));
            }
        }
        return Collections.unmodifiableMap(out);
    }
}
