package dev.slhf.serve.deploy;

import dev.slhf.serve.app.SlhfConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What the manifests must agree with, read from the app itself: its {@code application.properties}
 * (HTTP port, metrics path, health paths, with Quarkus' defaults where a key is not set) and the
 * config keys it accepts: the {@code @ConfigMapping} interface {@link SlhfConfig}, walked by
 * reflection, plus {@link #QUARKUS_KEYS}.
 */
record AppFacts(int httpPort, String metricsPath, String livenessPath, String readinessPath, String startupPath,
        List<String> configKeys) {

    /**
     * The Quarkus properties a deployment may set (each is a documented Quarkus runtime property);
     * {@code *} stands for one segment (a log category may be quoted). Extend this list when the
     * manifests need another one.
     */
    static final List<String> QUARKUS_KEYS = List.of(
            "quarkus.http.port",                  // must stay equal to the containerPort (checked)
            "quarkus.http.host",
            "quarkus.shutdown.timeout",           // drain timeout (checked against terminationGracePeriodSeconds)
            "quarkus.shutdown.delay-enabled",
            "quarkus.shutdown.delay",
            "quarkus.log.level",
            "quarkus.log.console.level",
            "quarkus.log.category.*.level",
            "quarkus.micrometer.export.prometheus.path"); // must stay equal to the ServiceMonitor path (checked)

    static AppFacts load() {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String nonApp = "/" + trim(p.getProperty("quarkus.http.non-application-root-path", "q"));
        String health = nonApp + "/" + trim(p.getProperty("quarkus.smallrye-health.root-path", "health"));
        List<String> keys = new ArrayList<>(QUARKUS_KEYS);
        keys.addAll(mappingKeys(SlhfConfig.class));
        return new AppFacts(Integer.parseInt(p.getProperty("quarkus.http.port", "8080")),
                p.getProperty("quarkus.micrometer.export.prometheus.path", nonApp + "/metrics"),
                health + "/" + trim(p.getProperty("quarkus.smallrye-health.liveness-path", "live")),
                health + "/" + trim(p.getProperty("quarkus.smallrye-health.readiness-path", "ready")),
                health + "/" + trim(p.getProperty("quarkus.smallrye-health.startup-path", "started")), keys);
    }

    private static String trim(String s) {
        return s.replaceAll("^/+|/+$", "");
    }

    /** Every key of a {@code @ConfigMapping} interface; a map key segment is {@code *}. */
    static List<String> mappingKeys(Class<?> mapping) {
        List<String> out = new ArrayList<>();
        walk(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, out);
        return out;
    }

    private static void walk(String prefix, Class<?> group, List<String> out) {
        for (Method m : group.getMethods()) {
            if (m.getParameterCount() != 0 || m.isDefault() || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            WithName wn = m.getAnnotation(WithName.class);
            String name = prefix + "." + (wn != null ? wn.value() : kebab(m.getName()));
            Type t = m.getGenericReturnType();
            Class<?> raw = m.getReturnType();
            if ((raw == Optional.class || raw == List.class) && t instanceof ParameterizedType pt) {
                t = pt.getActualTypeArguments()[0];
                raw = t instanceof Class<?> c ? c : (Class<?>) ((ParameterizedType) t).getRawType();
            }
            if (raw == Map.class && t instanceof ParameterizedType pt) {
                Type v = pt.getActualTypeArguments()[1];
                if (v instanceof Class<?> vc && vc.isInterface() && !vc.getName().startsWith("java.")) {
                    walk(name + ".*", vc, out);
                } else {
                    out.add(name + ".*");
                }
            } else if (raw.isInterface() && !raw.getName().startsWith("java.")) {
                walk(name, raw, out);
            } else {
                out.add(name);
            }
        }
    }

    /** SmallRye Config's default naming: maxBatchSize → max-batch-size. */
    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    /** Is {@code key} (a property name) one of the app's keys? Map keys may be quoted. */
    boolean isPropertyKey(String key) {
        return configKeys.stream().anyMatch(k -> propertyPattern(k).matcher(key).matches());
    }

    /** Is {@code env} an environment variable Quarkus maps onto one of the app's keys? */
    boolean isEnvKey(String env) {
        return configKeys.stream().anyMatch(k -> envPattern(k).matcher(env).matches());
    }

    private static Pattern propertyPattern(String key) {
        StringBuilder re = new StringBuilder();
        for (String seg : key.split("\\.")) {
            re.append(re.length() == 0 ? "" : "\\.").append(seg.equals("*") ? "(?:\"[^\"]+\"|[^.\"]+)" : Pattern.quote(seg));
        }
        return Pattern.compile(re.toString());
    }

    /** Quarkus' rule: every character that is not a letter or digit becomes '_', then upper case. */
    private static Pattern envPattern(String key) {
        StringBuilder re = new StringBuilder();
        for (String seg : key.split("\\.")) {
            re.append(re.length() == 0 ? "" : "_")
                    .append(seg.equals("*") ? "[A-Z0-9_]+" : Pattern.quote(seg.replaceAll("[^A-Za-z0-9]", "_").toUpperCase()));
        }
        return Pattern.compile(re.toString());
    }
}
