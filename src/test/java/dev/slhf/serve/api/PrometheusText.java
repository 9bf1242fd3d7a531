package dev.slhf.serve.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus 0.0.4 text exposition, written from the format's description:
 * every line is a HELP, a TYPE or a sample; names and label names are legal; a family's TYPE comes
 * once and before its samples (a sample without one is untyped); histogram buckets are cumulative, end with {@code +Inf} and equal
 * {@code _count}. Fails the test on the first violation.
 */
final class PrometheusText {

    record Sample(String name, Map<String, String> labels, double value) {}

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)( -?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"(,|$)");

    final Map<String, String> types = new LinkedHashMap<>();
    final List<Sample> samples = new ArrayList<>();

    static PrometheusText parse(String body) {
        PrometheusText t = new PrometheusText();
        Map<String, Boolean> help = new HashMap<>();
        String[] lines = body.split("\n", -1);
        assertEquals("", lines[lines.length - 1], "the exposition ends with a newline");
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String[] p = line.split(" ", 4);
                assertTrue(NAME.matcher(p[2]).matches(), "legal metric name: " + line);
                if (p[1].equals("TYPE")) {
                    assertTrue(List.of("counter", "gauge", "histogram", "summary", "untyped").contains(p[3]),
                            "known type: " + line);
                    assertTrue(t.types.put(p[2], p[3]) == null, "one TYPE per family: " + line);
                    assertTrue(t.samples.stream().noneMatch(s -> p[2].equals(t.family(s.name()))),
                            "TYPE before the family's samples: " + line);
                } else {
                    assertTrue(help.put(p[2], true) == null, "one HELP per family: " + line);
                }
                continue;
            }
            if (line.startsWith("#") || line.isEmpty()) {
                fail("0.0.4 text has no other comments or blank lines (OpenMetrics leaked?): '" + line + "'");
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                fail("not a sample line: " + line);
            }
            Map<String, String> labels = new TreeMap<>();
            if (m.group(3) != null && !m.group(3).isEmpty()) {
                Matcher l = LABEL.matcher(m.group(3));
                int end = 0;
                while (l.find() && l.start() == end) {
                    labels.put(l.group(1), l.group(2));
                    end = l.end();
                }
                assertEquals(m.group(3).length(), end, "well-formed labels: " + line);
            }
            t.samples.add(new Sample(m.group(1), labels, value(m.group(4), line)));
        }
        t.checkHistograms();
        return t;
    }

    private static double value(String s, String line) {
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new AssertionError("bad value in: " + line);
                }
            }
        };
    }

    /** The family a sample belongs to: its own name, or a histogram/summary's minus the suffix. */
    String family(String sample) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : List.of("_bucket", "_count", "_sum")) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                if (types.containsKey(base)) {
                    return base;
                }
            }
        }
        return null;
    }

    private void checkHistograms() {
        types.forEach((family, type) -> {
            if (!type.equals("histogram")) {
                return;
            }
            Map<Map<String, String>, List<double[]>> buckets = new HashMap<>();
            for (Sample s : samples) {
                if (s.name().equals(family + "_bucket")) {
                    Map<String, String> rest = new TreeMap<>(s.labels());
                    double le = value(rest.remove("le"), s.toString());
                    buckets.computeIfAbsent(rest, k -> new ArrayList<>()).add(new double[] {le, s.value()});
                }
            }
            buckets.forEach((labels, bs) -> {
                double prevLe = Double.NEGATIVE_INFINITY;
                double prevCount = 0;
                for (double[] b : bs) {
                    assertTrue(b[0] > prevLe, family + labels + ": bounds increase");
                    assertTrue(b[1] >= prevCount, family + labels + ": buckets are cumulative");
                    prevLe = b[0];
                    prevCount = b[1];
                }
                assertEquals(Double.POSITIVE_INFINITY, prevLe, family + labels + ": last bucket is +Inf");
                assertEquals(prevCount, value(family + "_count", labels), family + labels + ": +Inf equals _count");
            });
        });
    }

    /**
     * A regex for one series written as {@code name{a="x",b="y"}} that also matches the 0.0.4
     * writer's trailing comma ({@code b="y",}}).
     */
    static String seriesRegex(String series) {
        return series.endsWith("}") ? Pattern.quote(series.substring(0, series.length() - 1)) + ",?\\}"
                : Pattern.quote(series);
    }

    /** The value of one series, 0 when absent (a counter not yet incremented). */
    double value(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(new TreeMap<>(labels)))
                .mapToDouble(Sample::value).findFirst().orElse(0);
    }

    /** The {@code le} bounds (without +Inf) of one histogram series. */
    List<Double> bounds(String family, Map<String, String> labels) {
        List<Double> out = new ArrayList<>();
        for (Sample s : samples) {
            if (s.name().equals(family + "_bucket")) {
                Map<String, String> rest = new TreeMap<>(s.labels());
                String le = rest.remove("le");
                if (rest.equals(new TreeMap<>(labels)) && !le.equals("+Inf")) {
                    out.add(Double.parseDouble(le));
                }
            }
        }
        return out;
    }
}
