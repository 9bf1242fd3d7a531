package dev.slhf.serve.model.template;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected strings are what CPython 3 prints for the same values (repr / json.dumps). */
class PythonJsonTest {

    @Test
    void floatsAreSpelledAsPythonRepr() {
        Map<Double, String> python = new LinkedHashMap<>();
        python.put(0.0, "0.0");
        python.put(-0.0, "-0.0");
        python.put(0.1 + 0.2, "0.30000000000000004");
        python.put(1e16, "1e+16");
        python.put(1e15, "1000000000000000.0");
        python.put(123456789012345.6, "123456789012345.6");
        python.put(1e-4, "0.0001");
        python.put(1e-5, "1e-05");
        python.put(1.5e-7, "1.5e-07");
        python.put(2e23, "2e+23"); // JDK 17's Double.toString gives 2.0000000000000002E23
        python.put(5e-324, "5e-324");
        python.put(1.7976931348623157e308, "1.7976931348623157e+308");
        python.put(1.0 / 3, "0.3333333333333333");
        python.put(9007199254740993.0, "9007199254740992.0");
        python.forEach((value, expected) -> assertEquals(expected, PyFloat.repr(value)));
    }

    @Test
    void dumpsMatchesJsonDumpsWithEnsureAsciiFalse() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("z", "Zürich \"q\" \\ \n\t\u0001\u007f 🙂");
        value.put("a", Arrays.asList(1, 2.5, true, null, List.of(), Map.of()));
        value.put("big", new BigInteger("100000000000000000000"));
        // json.dumps({"z": ..., "a": [...], "big": 10**20}, ensure_ascii=False)
        assertEquals("{\"z\": \"Zürich \\\"q\\\" \\\\ \\n\\t\\u0001\u007f 🙂\", "
                + "\"a\": [1, 2.5, true, null, [], {}], \"big\": 100000000000000000000}",
                PythonJson.dumps(value));
    }

    @Test
    void indentAndSortKeysFollowJsonDumps() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("b", List.of(1));
        value.put("a", Map.of());
        // json.dumps({"b": [1], "a": {}}, indent=2, sort_keys=True)
        assertEquals("{\n  \"a\": {},\n  \"b\": [\n    1\n  ]\n}",
                PythonJson.dumps(value, new PythonJson.Options("  ", ",", ": ", true, false)));
    }

    @Test
    void ensureAsciiEscapesLikePython() {
        // json.dumps("é🙂\x7f")
        assertEquals("\"\\u00e9\\ud83d\\ude42\\u007f\"",
                PythonJson.dumps("é🙂\u007f", new PythonJson.Options(null, ", ", ": ", false, true)));
    }
}
