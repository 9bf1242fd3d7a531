package dev.slhf.serve.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks rendered manifests: each object against the Kubernetes model (fabric8 classes; unknown
 * fields, wrong types and malformed quantities are errors), the objects against each other
 * (selectors, names, ports, volumes) and against the app ({@link AppFacts}). Returns the problems,
 * one readable line each; empty means valid.
 */
final class ManifestChecks {

    /** Typed model classes by apiVersion + kind. Anything not here (and not a known CRD) is an error. */
    static final Map<String, Class<? extends HasMetadata>> TYPES = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
            "v1/ServiceAccount", ServiceAccount.class,
            "apps/v1/Deployment", Deployment.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final Pattern DNS1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern PROM_DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");

    private final AppFacts app;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Object> typed = new LinkedHashMap<>();

    private ManifestChecks(AppFacts app) {
        this.app = app;
    }

    static List<String> check(List<ObjectNode> docs, AppFacts app) {
        ManifestChecks c = new ManifestChecks(app);
        c.run(docs);
        new InferenceGatewayChecks(app, c.typed, c.problems::add).run();
        return c.problems;
    }

    private void problem(String fmt, Object... args) {
        problems.add(String.format(fmt, args));
    }

    private void run(List<ObjectNode> docs) {
        for (ObjectNode doc : docs) {
            String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
            String name = doc.path("metadata").path("name").asText();
            String id = doc.path("kind").asText() + "/" + name;
            if (name.isEmpty() || name.length() > 63 || !DNS1123.matcher(name).matches()) {
                problem("%s: metadata.name '%s' is not a DNS-1123 label", id, name);
            }
            if (typed.containsKey(id)) {
                problem("%s: defined twice", id);
            }
            if (key.equals("monitoring.coreos.com/v1/ServiceMonitor")) {
                checkServiceMonitorShape(id, doc);
                typed.put(id, doc);
                continue;
            }
            if (InferenceGatewayChecks.SHAPES.containsKey(key)) { // CRDs and RBAC: no fabric8 model on the classpath
                InferenceGatewayChecks.SHAPES.get(key).check(id, doc, problems::add);
                typed.put(id, doc);
                continue;
            }
            Class<? extends HasMetadata> type = TYPES.get(key);
            if (type == null) {
                problem("%s: no schema for apiVersion/kind %s", id, key);
                continue;
            }
            try {
                Object o = JSON.treeToValue(doc, type);
                strict(id, o, "", new IdentityHashMap<>());
                typed.put(id, o);
            } catch (IOException | IllegalArgumentException e) {
                problem("%s: does not match the %s schema: %s", id, type.getSimpleName(), e.getMessage().lines().findFirst().orElse(""));
            }
        }
        for (Object o : typed.values()) {
            if (o instanceof Deployment d) {
                checkDeployment(d);
            } else if (o instanceof Service s && name(s).equals(SERVER)) {
                checkSelects("Service/" + name(s), s.getSpec().getSelector(), "selector");
            } else if (o instanceof PodDisruptionBudget pdb) {
                checkSelects("PodDisruptionBudget/" + name(pdb), pdb.getSpec().getSelector());
            } else if (o instanceof NetworkPolicy np) {
                checkSelects("NetworkPolicy/" + name(np), np.getSpec().getPodSelector());
                np.getSpec().getIngress().forEach(rule -> rule.getPorts().forEach(
                        p -> checkPort("NetworkPolicy/" + name(np) + " ingress", p.getPort())));
            } else if (o instanceof HorizontalPodAutoscaler hpa) {
                var ref = hpa.getSpec().getScaleTargetRef();
                if (!typed.containsKey(ref.getKind() + "/" + ref.getName())) {
                    problem("HorizontalPodAutoscaler/%s: scaleTargetRef %s/%s does not exist", name(hpa), ref.getKind(), ref.getName());
                }
                if (hpa.getSpec().getMinReplicas() == null || hpa.getSpec().getMinReplicas() > hpa.getSpec().getMaxReplicas()) {
                    problem("HorizontalPodAutoscaler/%s: minReplicas must be set and <= maxReplicas", name(hpa));
                }
                hpa.getSpec().getMetrics().stream().filter(m -> m.getPods() != null)
                        .map(m -> m.getPods().getMetric().getName())
                        .filter(n -> !n.equals("slhf_num_requests_waiting"))
                        .forEach(n -> problem("HorizontalPodAutoscaler/%s: pods metric %s is not one the app exports", name(hpa), n));
            } else if (o instanceof JsonNode sm && sm.path("kind").asText().equals("ServiceMonitor")) {
                checkServiceMonitor("ServiceMonitor/" + sm.path("metadata").path("name").asText(), sm);
            }
        }
    }

    private static String name(HasMetadata o) {
        return o.getMetadata().getName();
    }

    // ---------------------------------------------------------------- schema strictness

    /**
     * fabric8's classes keep unknown fields in {@code additionalProperties} instead of failing:
     * walk the typed object and report every such field (a typo such as {@code replica:}).
     */
    private void strict(String id, Object o, String path, IdentityHashMap<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                strict(id, e, path + "[" + i++ + "]", seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> strict(id, v, path + "." + k, seen));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        if (o instanceof Quantity q) {
            try {
                Quantity.getAmountInBytes(q);
            } catch (RuntimeException e) {
                problem("%s: %s: '%s' is not a quantity", id, path, q);
            }
            return;
        }
        if (o instanceof IntOrString) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class
                    || !m.getName().startsWith("get") || m.getName().equals("getClass")) {
                continue;
            }
            Object v;
            try {
                v = m.invoke(o);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problem("%s: unknown field(s) %s at %s", id, extra.keySet(), path.isEmpty() ? "top level" : path);
                }
                continue;
            }
            strict(id, v, path + "." + Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4), seen);
        }
    }

    // ---------------------------------------------------------------- workload

    /** The server's Deployment (and Service); other Deployments (the EPP) are checked by their own rules. */
    static final String SERVER = "slhf-serve";

    private Map<String, String> podLabels() {
        return typed.values().stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .filter(d -> name(d).equals(SERVER)).findFirst()
                .map(d -> d.getSpec().getTemplate().getMetadata().getLabels()).orElse(Map.of());
    }

    private void checkSelects(String id, LabelSelector selector) {
        if (selector == null || selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty()) {
            problem("%s: needs a matchLabels selector", id);
            return;
        }
        checkSelects(id, selector.getMatchLabels(), "selector");
    }

    private void checkSelects(String id, Map<String, String> selector, String what) {
        Map<String, String> pod = podLabels();
        if (selector == null || selector.isEmpty() || !pod.entrySet().containsAll(selector.entrySet())) {
            problem("%s: %s %s does not select the server pods (labels %s)", id, what, selector, pod);
        }
    }

    private void checkPort(String id, IntOrString port) {
        if (port == null || (port.getIntVal() != null ? port.getIntVal() != app.httpPort() : !"http".equals(port.getStrVal()))) {
            problem("%s: port %s is not the app's HTTP port %d", id, port == null ? null : port.getValue(), app.httpPort());
        }
    }

    private void checkDeployment(Deployment d) {
        String id = "Deployment/" + name(d);
        Map<String, String> sel = d.getSpec().getSelector().getMatchLabels();
        if (sel == null || !d.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(sel.entrySet())) {
            problem("%s: selector %s does not match the pod template labels", id, sel);
        }
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        Map<String, Volume> volumes = new LinkedHashMap<>();
        pod.getVolumes().forEach(v -> volumes.put(v.getName(), v));
        for (Volume v : volumes.values()) {
            if (v.getConfigMap() != null && !typed.containsKey("ConfigMap/" + v.getConfigMap().getName())) {
                problem("%s: volume %s: ConfigMap %s does not exist", id, v.getName(), v.getConfigMap().getName());
            }
            if (v.getPersistentVolumeClaim() != null
                    && !typed.containsKey("PersistentVolumeClaim/" + v.getPersistentVolumeClaim().getClaimName())) {
                problem("%s: volume %s: PersistentVolumeClaim %s does not exist", id, v.getName(), v.getPersistentVolumeClaim().getClaimName());
            }
        }
        List<Container> all = new ArrayList<>(pod.getInitContainers());
        all.addAll(pod.getContainers());
        for (Container c : all) {
            for (VolumeMount m : c.getVolumeMounts()) {
                if (!volumes.containsKey(m.getName())) {
                    problem("%s: container %s mounts volume %s, which the pod does not have", id, c.getName(), m.getName());
                }
            }
            if (c.getImage() == null || c.getImage().isBlank() || !c.getImage().contains(":")) {
                problem("%s: container %s: image '%s' has no tag (set one in the overlay's images:)", id, c.getName(), c.getImage());
            }
        }
        if (!name(d).equals(SERVER)) {
            return;
        }
        Container server = pod.getContainers().stream().filter(c -> c.getName().equals("slhf-serve")).findFirst().orElse(null);
        if (server == null) {
            problem("%s: no container named slhf-serve", id);
            return;
        }
        Properties config = mountedConfig(id, server, volumes);
        int port = Integer.parseInt(config.getProperty("quarkus.http.port", String.valueOf(app.httpPort())));
        if (port != app.httpPort()) {
            problem("%s: the ConfigMap moves quarkus.http.port to %d; the image and probes assume %d", id, port, app.httpPort());
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (ContainerPort p : server.getPorts()) {
            ports.put(p.getName(), p.getContainerPort());
        }
        if (!Objects.equals(ports.get("http"), app.httpPort())) {
            problem("%s: container port 'http' is %s, the app listens on %d (quarkus.http.port)", id, ports.get("http"), app.httpPort());
        }
        checkProbe(id, "startupProbe", server.getStartupProbe(), app.startupPath(), ports);
        checkProbe(id, "livenessProbe", server.getLivenessProbe(), app.livenessPath(), ports);
        checkProbe(id, "readinessProbe", server.getReadinessProbe(), app.readinessPath(), ports);
        for (EnvVar e : server.getEnv()) {
            String n = e.getName();
            if ((n.startsWith("SLHF_") || n.startsWith("QUARKUS_")) && !app.isEnvKey(n)) {
                problem("%s: env %s maps to no config property of the app", id, n);
            }
            if ((n.equals("JAVA_OPTS") || n.equals("JAVA_OPTS_APPEND")) && e.getValue() != null) {
                Matcher m = Pattern.compile("-D((?:slhf|quarkus)\\.[^=\\s]+)").matcher(e.getValue());
                while (m.find()) {
                    if (!app.isPropertyKey(m.group(1))) {
                        problem("%s: env %s sets -D%s, not a config property of the app", id, n, m.group(1));
                    }
                }
            }
        }
        checkDrain(id, d, server, config);
    }

    /** The application.properties mounted at /deployments/config (Quarkus' config/ under the working dir). */
    private Properties mountedConfig(String id, Container server, Map<String, Volume> volumes) {
        Properties p = new Properties();
        Optional<VolumeMount> mount = server.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals("/deployments/config")).findFirst();
        if (mount.isEmpty()) {
            problem("%s: no volume mounted at /deployments/config (the config ConfigMap)", id);
            return p;
        }
        Volume v = volumes.get(mount.get().getName());
        if (v == null || v.getConfigMap() == null) {
            problem("%s: /deployments/config is not a ConfigMap volume", id);
            return p;
        }
        Object cm = typed.get("ConfigMap/" + v.getConfigMap().getName());
        if (!(cm instanceof ConfigMap configMap) || configMap.getData() == null
                || !configMap.getData().containsKey("application.properties")) {
            problem("%s: ConfigMap %s has no application.properties", id, v.getConfigMap().getName());
            return p;
        }
        try {
            p.load(new StringReader(configMap.getData().get("application.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String key : p.stringPropertyNames()) {
            if (!app.isPropertyKey(key)) {
                problem("ConfigMap/%s: application.properties sets '%s', which is not a config property of the app", name(configMap), key);
            }
        }
        return p;
    }

    private void checkProbe(String id, String which, Probe probe, String path, Map<String, Integer> ports) {
        HTTPGetAction get = probe == null ? null : probe.getHttpGet();
        if (get == null) {
            problem("%s: %s must be an httpGet probe on %s", id, which, path);
            return;
        }
        if (!path.equals(get.getPath())) {
            problem("%s: %s path %s is not the app's health endpoint %s", id, which, get.getPath(), path);
        }
        IntOrString port = get.getPort();
        Integer resolved = port == null ? null : port.getIntVal() != null ? port.getIntVal() : ports.get(port.getStrVal());
        if (!Objects.equals(resolved, app.httpPort())) {
            problem("%s: %s port %s is not the app's HTTP port %d", id, which, port == null ? null : port.getValue(), app.httpPort());
        }
    }

    /** terminationGracePeriodSeconds must cover the preStop sleep plus quarkus.shutdown.timeout. */
    private void checkDrain(String id, Deployment d, Container server, Properties config) {
        String timeout = config.getProperty("quarkus.shutdown.timeout");
        if (timeout == null) {
            problem("%s: quarkus.shutdown.timeout is not set: in-flight generations would be cut at SIGTERM", id);
            return;
        }
        long drain = seconds(timeout);
        long preStop = 0;
        LifecycleHandler h = server.getLifecycle() == null ? null : server.getLifecycle().getPreStop();
        if (h != null && h.getSleep() != null) {
            preStop = h.getSleep().getSeconds();
        } else if (h != null && h.getExec() != null) {
            Matcher m = Pattern.compile("\\bsleep\\s+(\\d+)").matcher(String.join(" ", h.getExec().getCommand()));
            preStop = m.find() ? Long.parseLong(m.group(1)) : 0;
        }
        if (preStop == 0) {
            problem("%s: no preStop sleep: the pod would stop before the endpoints stop sending it traffic", id);
        }
        Long grace = d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        if (grace == null || grace < preStop + drain) {
            problem("%s: terminationGracePeriodSeconds %s < preStop %d s + quarkus.shutdown.timeout %d s", id, grace, preStop, drain);
        }
    }

    /** A Quarkus duration: ISO-8601, or a number with an optional ms/s/m/h/d unit (plain number = seconds). */
    static long seconds(String v) {
        String s = v.trim();
        if (s.startsWith("P") || s.startsWith("p")) {
            return Duration.parse(s).toSeconds();
        }
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)?").matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + v);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> n / 1000;
            case "m" -> n * 60;
            case "h" -> n * 3600;
            case "d" -> n * 86400;
            default -> n;
        };
    }

    // ---------------------------------------------------------------- ServiceMonitor (a CRD)

    private static final Set<String> SM_SPEC = Set.of("selector", "endpoints", "namespaceSelector", "jobLabel",
            "targetLabels", "podTargetLabels", "sampleLimit", "targetLimit", "labelLimit", "labelNameLengthLimit",
            "labelValueLengthLimit", "attachMetadata", "scrapeClass", "scrapeProtocols", "keepDroppedTargets");
    private static final Set<String> SM_ENDPOINT = Set.of("port", "targetPort", "path", "scheme", "params", "interval",
            "scrapeTimeout", "honorLabels", "honorTimestamps", "trackTimestampsStaleness", "metricRelabelings",
            "relabelings", "proxyUrl", "followRedirects", "enableHttp2", "filterRunning", "tlsConfig",
            "bearerTokenFile", "bearerTokenSecret", "authorization", "basicAuth", "oauth2");

    /** Structural check of monitoring.coreos.com/v1 ServiceMonitor (its CRD's fields and types). */
    private void checkServiceMonitorShape(String id, ObjectNode doc) {
        unknownFields(id, doc, Set.of("apiVersion", "kind", "metadata", "spec"), "top level");
        try {
            JSON.treeToValue(doc.path("metadata"), io.fabric8.kubernetes.api.model.ObjectMeta.class);
        } catch (IOException e) {
            problem("%s: metadata: %s", id, e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode spec = doc.path("spec");
        unknownFields(id, spec, SM_SPEC, "spec");
        try {
            LabelSelector sel = JSON.treeToValue(spec.path("selector"), LabelSelector.class);
            strict(id, sel, ".spec.selector", new IdentityHashMap<>());
        } catch (IOException | IllegalArgumentException e) {
            problem("%s: spec.selector: %s", id, e.getMessage().lines().findFirst().orElse(""));
        }
        if (!spec.path("endpoints").isArray() || spec.path("endpoints").isEmpty()) {
            problem("%s: spec.endpoints must be a non-empty list", id);
        }
        for (JsonNode ep : spec.path("endpoints")) {
            unknownFields(id, ep, SM_ENDPOINT, "spec.endpoints[]");
            for (String f : List.of("port", "path", "scheme", "interval", "scrapeTimeout")) {
                if (ep.has(f) && !ep.get(f).isTextual()) {
                    problem("%s: spec.endpoints[].%s must be a string", id, f);
                }
            }
            for (String f : List.of("interval", "scrapeTimeout")) {
                if (ep.has(f) && !PROM_DURATION.matcher(ep.get(f).asText()).matches()) {
                    problem("%s: spec.endpoints[].%s '%s' is not a Prometheus duration", id, f, ep.get(f).asText());
                }
            }
        }
    }

    private void unknownFields(String id, JsonNode node, Set<String> allowed, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!allowed.contains(f)) {
                problem("%s: unknown field %s at %s", id, f, where);
            }
        }
    }

    private void checkServiceMonitor(String id, JsonNode sm) {
        Map<String, String> sel = new LinkedHashMap<>();
        sm.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(e -> sel.put(e.getKey(), e.getValue().asText()));
        List<Service> services = typed.values().stream().filter(Service.class::isInstance).map(Service.class::cast)
                .filter(s -> !sel.isEmpty() && s.getMetadata().getLabels() != null
                        && s.getMetadata().getLabels().entrySet().containsAll(sel.entrySet()))
                .toList();
        if (services.isEmpty()) {
            problem("%s: selector %s matches no Service", id, sel);
        }
        for (JsonNode ep : sm.path("spec").path("endpoints")) {
            String path = ep.path("path").asText("/metrics");
            if (!path.equals(app.metricsPath())) {
                problem("%s: scrapes %s, the app serves metrics at %s", id, path, app.metricsPath());
            }
            String port = ep.path("port").asText();
            for (Service s : services) {
                Optional<ServicePort> sp = s.getSpec().getPorts().stream().filter(p -> port.equals(p.getName())).findFirst();
                if (sp.isEmpty()) {
                    problem("%s: Service %s has no port named '%s'", id, name(s), port);
                } else {
                    checkPort(id + " -> Service " + name(s), sp.get().getTargetPort());
                }
            }
        }
    }
}
