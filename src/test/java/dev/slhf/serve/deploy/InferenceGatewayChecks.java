package dev.slhf.serve.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slhf.serve.app.MetricName;
import dev.slhf.serve.app.Metrics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The Gateway API Inference Extension objects (k8s/components/inference-gateway) against their
 * schemas, each other and the app: the InferencePool selects the server pods on the app's port and
 * names the endpoint picker's Service; the endpoint picker (EPP) watches that pool with the RBAC it
 * needs and scrapes series the app really publishes (the vLLM names in {@link Metrics}, switched
 * on in the server's config); the HTTPRoute routes to the pool.
 */
final class InferenceGatewayChecks {

    static final String POOL_GROUP = "inference.networking.k8s.io";

    private static final Map<String, Object> LABEL_SELECTOR = obj("matchLabels!", "labels");
    private static final Map<String, Object> PORT = obj("number!", "port");

    /** InferencePool v1 (gateway-api-inference-extension v1.0 CRD), HTTPRoute v1, Role/RoleBinding v1. */
    static final Map<String, CrdShape> SHAPES = Map.of(
            POOL_GROUP + "/v1/InferencePool", CrdShape.of(obj(
                    "spec!", obj(
                            "selector!", LABEL_SELECTOR,
                            "targetPorts!", List.of(PORT),
                            "endpointPickerRef!", obj("group", "string", "kind", "string", "name!", "string",
                                    "port", PORT, "failureMode", "enum:FailOpen|FailClose")),
                    "status", "any")),
            "gateway.networking.k8s.io/v1/HTTPRoute", CrdShape.of(obj(
                    "spec!", obj(
                            "parentRefs", List.of(obj("group", "string", "kind", "string", "namespace", "string",
                                    "name!", "string", "sectionName", "string", "port", "port")),
                            "hostnames", List.of("string"),
                            "rules", List.of(obj(
                                    "name", "string",
                                    "matches", List.of(obj("path", obj("type", "enum:Exact|PathPrefix|RegularExpression",
                                            "value", "string"), "headers", "any", "queryParams", "any", "method", "string")),
                                    "filters", "any",
                                    "backendRefs", List.of(obj("group", "string", "kind", "string", "name!", "string",
                                            "namespace", "string", "port", "port", "weight", "int", "filters", "any")),
                                    "timeouts", obj("request", "duration", "backendRequest", "duration"),
                                    "retry", "any",
                                    "sessionPersistence", "any"))),
                    "status", "any")),
            "rbac.authorization.k8s.io/v1/Role", CrdShape.of(obj(
                    "rules!", List.of(obj("apiGroups", List.of("string"), "resources", List.of("string"),
                            "verbs!", List.of("string"), "resourceNames", List.of("string"))))),
            "rbac.authorization.k8s.io/v1/RoleBinding", CrdShape.of(obj(
                    "subjects", List.of(obj("kind!", "enum:ServiceAccount|User|Group", "name!", "string",
                            "namespace", "string", "apiGroup", "string")),
                    "roleRef!", obj("apiGroup!", "string", "kind!", "enum:Role|ClusterRole", "name!", "string"))));

    /** The EPP's flags that name a model-server series, and the catalogue entry each must be. */
    static final Map<String, MetricName> METRIC_FLAGS = Map.of(
            "total-queued-requests-metric", Metrics.WAITING,
            "total-running-requests-metric", Metrics.RUNNING,
            "kv-cache-usage-percentage-metric", Metrics.KV_CACHE_USAGE);
    /** Flags the EPP would default to a vLLM series we do not publish (LoRA): must be set, to "". */
    static final List<String> MUST_BE_EMPTY = List.of("lora-info-metric");
    /** Flags whose EPP defaults would not find our series (vLLM's defaults change between releases). */
    static final List<String> REQUIRED = List.of("pool-name", "model-server-metrics-path",
            "total-queued-requests-metric", "kv-cache-usage-percentage-metric");

    private final AppFacts app;
    private final Map<String, Object> typed;
    private final Consumer<String> problems;

    InferenceGatewayChecks(AppFacts app, Map<String, Object> typed, Consumer<String> problems) {
        this.app = app;
        this.typed = typed;
        this.problems = problems;
    }

    private void problem(String fmt, Object... args) {
        problems.accept(String.format(fmt, args));
    }

    void run() {
        List<JsonNode> pools = crds("InferencePool");
        for (JsonNode pool : pools) {
            checkPool(pool);
        }
        for (JsonNode route : crds("HTTPRoute")) {
            checkRoute(route);
        }
        if (!pools.isEmpty() && !vllmNamesOn()) {
            problem("Deployment/%s: slhf.metrics.vllm-names is not true: the endpoint picker's vllm:* series do not exist",
                    ManifestChecks.SERVER);
        }
    }

    private void checkPool(JsonNode pool) {
        String id = "InferencePool/" + pool.path("metadata").path("name").asText();
        Deployment server = deployment(ManifestChecks.SERVER).orElse(null);
        if (server == null) {
            problem("%s: no Deployment/%s to pool", id, ManifestChecks.SERVER);
            return;
        }
        Map<String, String> podLabels = server.getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> sel = new LinkedHashMap<>();
        pool.at("/spec/selector/matchLabels").fields().forEachRemaining(e -> sel.put(e.getKey(), e.getValue().asText()));
        if (sel.isEmpty() || !podLabels.entrySet().containsAll(sel.entrySet())) {
            problem("%s: selector %s does not select the server pods (labels %s)", id, sel, podLabels);
        }
        Integer http = containerPort(server.getSpec().getTemplate().getSpec().getContainers().get(0), "http");
        for (JsonNode p : pool.at("/spec/targetPorts")) {
            int n = p.path("number").asInt();
            if (n != app.httpPort() || !Integer.valueOf(n).equals(http)) {
                problem("%s: target port %d is not the server's container port 'http' (%s) = quarkus.http.port %d",
                        id, n, http, app.httpPort());
            }
        }
        JsonNode ref = pool.at("/spec/endpointPickerRef");
        if (!ref.path("kind").asText("Service").equals("Service") || !ref.path("group").asText("").isEmpty()) {
            problem("%s: endpointPickerRef must be a core Service", id);
            return;
        }
        Object svc = typed.get("Service/" + ref.path("name").asText());
        if (!(svc instanceof Service service)) {
            problem("%s: endpointPickerRef Service %s does not exist", id, ref.path("name").asText());
            return;
        }
        int refPort = ref.at("/port/number").asInt();
        Optional<ServicePort> sp = service.getSpec().getPorts().stream().filter(p -> p.getPort() == refPort).findFirst();
        if (sp.isEmpty()) {
            problem("%s: endpointPickerRef port %d is not a port of Service %s", id, refPort, service.getMetadata().getName());
            return;
        }
        Deployment epp = selectedDeployment(service).orElse(null);
        if (epp == null) {
            problem("Service/%s: selector %s selects no Deployment's pods", service.getMetadata().getName(), service.getSpec().getSelector());
            return;
        }
        Container c = epp.getSpec().getTemplate().getSpec().getContainers().get(0);
        var target = sp.get().getTargetPort();
        Integer targetPort = target == null ? sp.get().getPort() : target.getIntVal() != null ? target.getIntVal() : containerPort(c, target.getStrVal());
        if (targetPort == null || c.getPorts().stream().noneMatch(p -> targetPort.equals(p.getContainerPort()))) {
            problem("Service/%s: targetPort %s is not a port of the endpoint picker container", service.getMetadata().getName(),
                    target == null ? null : target.getValue());
        }
        checkEpp("Deployment/" + epp.getMetadata().getName(), epp, c, pool.path("metadata").path("name").asText());
    }

    private void checkEpp(String id, Deployment epp, Container c, String poolName) {
        Map<String, String> flags = flags(c);
        for (String f : REQUIRED) {
            if (!flags.containsKey(f)) {
                problem("%s: --%s is not set", id, f);
            }
        }
        if (flags.containsKey("pool-name") && !flags.get("pool-name").equals(poolName)) {
            problem("%s: --pool-name %s is not the InferencePool %s", id, flags.get("pool-name"), poolName);
        }
        if (!flags.getOrDefault("pool-group", POOL_GROUP).equals(POOL_GROUP)) {
            problem("%s: --pool-group %s is not %s (the v1 InferencePool)", id, flags.get("pool-group"), POOL_GROUP);
        }
        String path = flags.get("model-server-metrics-path");
        if (path != null && !path.equals(app.metricsPath()) && !path.equals("/metrics")) {
            problem("%s: --model-server-metrics-path %s: the app serves metrics at %s (and /metrics)", id, path, app.metricsPath());
        }
        METRIC_FLAGS.forEach((flag, metric) -> {
            String v = flags.get(flag);
            if (v != null && !metric.vllm().contains(v)) {
                problem("%s: --%s %s is not a series the app publishes for %s (its vLLM names: %s)",
                        id, flag, v, metric.name(), metric.vllm());
            }
        });
        for (String f : MUST_BE_EMPTY) {
            if (!flags.getOrDefault(f, "default").isEmpty()) {
                problem("%s: --%s must be set to \"\": the app publishes no such series", id, f);
            }
        }
        checkConfigFile(id, epp, c, flags.get("config-file"));
        checkRbac(id, epp.getSpec().getTemplate().getSpec().getServiceAccountName());
        if (c.getEnv().stream().noneMatch(e -> e.getName().equals("NAMESPACE") && e.getValueFrom() != null)
                && !flags.containsKey("pool-namespace")) {
            problem("%s: neither --pool-namespace nor env NAMESPACE (fieldRef metadata.namespace) is set", id);
        }
    }

    /** --config-file must be a key of a ConfigMap mounted where the path points. */
    private void checkConfigFile(String id, Deployment epp, Container c, String file) {
        if (file == null) {
            return; // the EPP's built-in default plugins
        }
        for (VolumeMount m : c.getVolumeMounts()) {
            if (file.startsWith(m.getMountPath() + "/")) {
                String key = file.substring(m.getMountPath().length() + 1);
                Optional<Volume> v = epp.getSpec().getTemplate().getSpec().getVolumes().stream()
                        .filter(x -> x.getName().equals(m.getName()) && x.getConfigMap() != null).findFirst();
                Object cm = v.map(x -> typed.get("ConfigMap/" + x.getConfigMap().getName())).orElse(null);
                if (cm instanceof ConfigMap configMap && configMap.getData() != null && configMap.getData().containsKey(key)) {
                    return;
                }
            }
        }
        problem("%s: --config-file %s is not a key of a mounted ConfigMap", id, file);
    }

    private void checkRbac(String id, String serviceAccount) {
        if (serviceAccount == null || !(typed.get("ServiceAccount/" + serviceAccount) instanceof ServiceAccount)) {
            problem("%s: serviceAccountName %s: no such ServiceAccount", id, serviceAccount);
            return;
        }
        boolean pods = false;
        boolean poolsWatched = false;
        for (JsonNode binding : crds("RoleBinding")) {
            boolean bound = false;
            for (JsonNode s : binding.path("subjects")) {
                bound |= s.path("kind").asText().equals("ServiceAccount") && s.path("name").asText().equals(serviceAccount);
            }
            JsonNode role = bound ? crd("Role", binding.at("/roleRef/name").asText()) : null;
            if (bound && role == null) {
                problem("RoleBinding/%s: roleRef Role %s does not exist", binding.at("/metadata/name").asText(), binding.at("/roleRef/name").asText());
            }
            if (role != null) {
                pods |= grants(role, "", "pods");
                poolsWatched |= grants(role, POOL_GROUP, "inferencepools");
            }
        }
        if (!pods || !poolsWatched) {
            problem("%s: ServiceAccount %s may not get/list/watch %s", id, serviceAccount,
                    !pods ? "pods" : "inferencepools." + POOL_GROUP);
        }
    }

    private static boolean grants(JsonNode role, String group, String resource) {
        for (JsonNode rule : role.path("rules")) {
            List<String> groups = texts(rule.path("apiGroups"));
            List<String> resources = texts(rule.path("resources"));
            List<String> verbs = texts(rule.path("verbs"));
            if ((groups.contains(group) || groups.contains("*")) && (resources.contains(resource) || resources.contains("*"))
                    && (verbs.contains("*") || verbs.containsAll(List.of("get", "list", "watch")))) {
                return true;
            }
        }
        return false;
    }

    private void checkRoute(JsonNode route) {
        String id = "HTTPRoute/" + route.path("metadata").path("name").asText();
        int pools = 0;
        for (JsonNode rule : route.path("spec").path("rules")) {
            for (JsonNode b : rule.path("backendRefs")) {
                if (b.path("kind").asText("Service").equals("InferencePool")) {
                    pools++;
                    if (!b.path("group").asText().equals(POOL_GROUP)) {
                        problem("%s: backendRef InferencePool %s needs group %s", id, b.path("name").asText(), POOL_GROUP);
                    }
                    if (crd("InferencePool", b.path("name").asText()) == null) {
                        problem("%s: backendRef InferencePool %s does not exist", id, b.path("name").asText());
                    }
                }
            }
        }
        if (pools == 0) {
            problem("%s: routes to no InferencePool", id);
        }
    }

    // ---------------------------------------------------------------- helpers

    private boolean vllmNamesOn() {
        Deployment server = deployment(ManifestChecks.SERVER).orElse(null);
        if (server == null) {
            return false;
        }
        for (EnvVar e : server.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
            if (e.getName().equals("SLHF_METRICS_VLLM_NAMES")) {
                return "true".equalsIgnoreCase(e.getValue()); // the environment overrides the properties file
            }
        }
        Properties p = new Properties();
        if (typed.get("ConfigMap/slhf-serve-config") instanceof ConfigMap cm && cm.getData() != null) {
            try {
                p.load(new StringReader(cm.getData().getOrDefault("application.properties", "")));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return "true".equalsIgnoreCase(p.getProperty("slhf.metrics.vllm-names", "").trim());
    }

    /** {@code --name value} and {@code --name=value}, as Go's flag package reads them. */
    static Map<String, String> flags(Container c) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> args = c.getArgs();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("-")) {
                continue;
            }
            String name = a.replaceFirst("^--?", "");
            int eq = name.indexOf('=');
            if (eq >= 0) {
                out.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("-")) {
                out.put(name, args.get(++i));
            } else {
                out.put(name, "true");
            }
        }
        return out;
    }

    private Optional<Deployment> deployment(String name) {
        return typed.values().stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .filter(d -> d.getMetadata().getName().equals(name)).findFirst();
    }

    private Optional<Deployment> selectedDeployment(Service s) {
        Map<String, String> sel = s.getSpec().getSelector();
        return typed.values().stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .filter(d -> sel != null && !sel.isEmpty()
                        && d.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(sel.entrySet()))
                .findFirst();
    }

    private static Integer containerPort(Container c, String name) {
        return c.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort).findFirst().orElse(null);
    }

    private List<JsonNode> crds(String kind) {
        return typed.values().stream().filter(JsonNode.class::isInstance).map(JsonNode.class::cast)
                .filter(n -> n.path("kind").asText().equals(kind)).toList();
    }

    private JsonNode crd(String kind, String name) {
        return crds(kind).stream().filter(n -> n.path("metadata").path("name").asText().equals(name)).findFirst().orElse(null);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, Object> obj(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
