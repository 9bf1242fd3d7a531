package dev.slhf.serve.model.template;

import com.hubspot.jinjava.objects.SafeString;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import jinjava.javax.el.ELContext;

/**
 * Answers {@code x[a:b:c]} (rewritten by {@link PySlices}) for lists and strings, as Python does: a new
 * list, or the string of the selected code points. Anything else cannot be sliced in a chat
 * template context (jinja2 would raise a TypeError), so it fails.
 */
final class PySliceResolver extends ReadOnlyResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes,
            Object[] params) {
        if (method == null || !PySlices.FUNCTION.equals(method.toString())) {
            return null;
        }
        Object[] p = params == null ? new Object[0] : params;
        PySlices.Slice slice = new PySlices.Slice(arg(p, 0), arg(p, 1), arg(p, 2));
        context.setPropertyResolved(true);
        return slice(base, slice);
    }

    private static Object arg(Object[] params, int i) {
        return i < params.length ? params[i] : null;
    }

    private static Object slice(Object base, PySlices.Slice slice) {
        if (base instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (int i : PySlices.indices(slice, list.size())) {
                out.add(list.get(i));
            }
            return Collections.unmodifiableList(out);
        }
        if (base instanceof String || base instanceof SafeString) {
            int[] codePoints = base.toString().codePoints().toArray();
            StringBuilder out = new StringBuilder();
            for (int i : PySlices.indices(slice, codePoints.length)) {
                out.appendCodePoint(codePoints[i]);
            }
            return out.toString();
        }
        if (base == null) {
            // Slicing an undefined value: jinja2's Undefined is not subscriptable either.
            throw new TemplateRenderException("cannot slice an undefined value");
        }
        throw new TemplateRenderException("cannot slice a " + base.getClass().getSimpleName());
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }
}
