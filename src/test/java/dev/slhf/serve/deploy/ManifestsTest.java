package dev.slhf.serve.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.kustomize.v1beta1.Kustomization;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The k8s/ manifests: every YAML file parses, every kustomization renders, every rendered object
 * is valid against the Kubernetes model and agrees with the app (probe paths and port, metrics
 * path, config keys, drain timing). The negative tests break one thing each and expect the check
 * to say so, so none of the checks can pass vacuously.
 */
class ManifestsTest {

    static final Path K8S = Path.of("k8s");
    /** Every kustomization a user applies. */
    static final List<String> TARGETS = List.of("overlays/cpu", "overlays/gpu", "examples/models-from-image",
            "examples/inference-gateway");

    static final AppFacts APP = AppFacts.load();

    @ParameterizedTest
    @ValueSource(strings = {"overlays/cpu", "overlays/gpu", "examples/models-from-image", "examples/inference-gateway"})
    void overlayRendersToValidManifestsThatMatchTheApp(String target) {
        List<ObjectNode> docs = MiniKustomize.render(K8S.resolve(target));
        assertThat(kinds(docs)).contains("ConfigMap/slhf-serve-config", "ConfigMap/slhf-serve-dashboard",
                "Deployment/slhf-serve", "Service/slhf-serve", "HorizontalPodAutoscaler/slhf-serve",
                "PodDisruptionBudget/slhf-serve", "ServiceMonitor/slhf-serve", "NetworkPolicy/slhf-serve");
        assertThat(ManifestChecks.check(docs, APP)).isEmpty();
    }

    @Test
    void appFactsAreReadFromTheApp() {
        assertThat(APP.httpPort()).isEqualTo(8000);
        assertThat(APP.metricsPath()).isEqualTo("/q/metrics");
        assertThat(List.of(APP.livenessPath(), APP.readinessPath(), APP.startupPath()))
                .containsExactly("/q/health/live", "/q/health/ready", "/q/health/started");
        assertThat(APP.configKeys()).contains("slhf.leader", "slhf.follower", "slhf.refine.rounds", "slhf.refine.max-rounds",
                "slhf.refine.follower-prompt", "slhf.models.*.path", "slhf.models.*.max-batch-size");
        // the endpoints the manifests probe and scrape exist only with these extensions on the classpath
        assertThat(onClasspath("io.quarkus.smallrye.health.runtime.SmallRyeHealthRecorder")).isTrue();
        assertThat(onClasspath("io.quarkus.micrometer.runtime.export.PrometheusRecorder")).isTrue();
    }

    @Test
    void gpuOverlayAsksForAGpuAndRunsTheCudaImage() {
        ObjectNode d = find(MiniKustomize.render(K8S.resolve("overlays/gpu")), "Deployment/slhf-serve");
        JsonNode c = d.at("/spec/template/spec/containers/0");
        assertThat(c.at("/resources/limits/nvidia.com~1gpu").asText()).isEqualTo("1");
        assertThat(c.path("image").asText()).endsWith("-cuda");
        assertThat(d.at("/spec/template/spec/tolerations/0/key").asText()).isEqualTo("nvidia.com/gpu");
        assertThat(c.path("env").findValuesAsText("name")).contains("SLHF_MODELS_POLICY_DEVICE");
        ObjectNode hpa = find(MiniKustomize.render(K8S.resolve("overlays/gpu")), "HorizontalPodAutoscaler/slhf-serve");
        assertThat(hpa.at("/spec/metrics/0/pods/metric/name").asText()).isEqualTo("slhf_num_requests_waiting");
    }

    @Test
    void modelsFromImageReplacesThePvcByAnInitContainer() {
        List<ObjectNode> docs = MiniKustomize.render(K8S.resolve("examples/models-from-image"));
        assertThat(kinds(docs)).doesNotContain("PersistentVolumeClaim/slhf-serve-models");
        ObjectNode d = find(docs, "Deployment/slhf-serve");
        assertThat(d.at("/spec/template/spec/volumes/0/name").asText()).isEqualTo("models");
        assertThat(d.at("/spec/template/spec/volumes/0/emptyDir").isObject()).isTrue();
        assertThat(d.at("/spec/template/spec/initContainers/0/image").asText()).isEqualTo("registry.example.com/slhf-models:policy-v1");
    }

    @Test
    void inferenceGatewayPoolsTheServerPodsBehindAnEndpointPickerReadingOurSeries() {
        List<ObjectNode> docs = MiniKustomize.render(K8S.resolve("examples/inference-gateway"));
        assertThat(kinds(docs)).contains("InferencePool/slhf-serve", "HTTPRoute/slhf-serve", "Deployment/slhf-serve-epp",
                "Service/slhf-serve-epp", "ServiceAccount/slhf-serve-epp", "Role/slhf-serve-epp", "RoleBinding/slhf-serve-epp",
                "ConfigMap/slhf-serve-epp");
        JsonNode pool = find(docs, "InferencePool/slhf-serve");
        assertThat(pool.path("apiVersion").asText()).isEqualTo("inference.networking.k8s.io/v1");
        assertThat(pool.at("/spec/targetPorts/0/number").asInt()).isEqualTo(APP.httpPort());
        assertThat(container(docs).path("env").toString()).contains("{\"name\":\"SLHF_METRICS_VLLM_NAMES\",\"value\":\"true\"}");
        // the flags name series of the metric catalogue: the ones MeterSeries publishes with vllm-names=true
        List<String> args = MiniKustomize.YAML.convertValue(find(docs, "Deployment/slhf-serve-epp")
                .at("/spec/template/spec/containers/0/args"), List.class);
        assertThat(args).contains("--model-server-metrics-path=" + APP.metricsPath(),
                "--total-queued-requests-metric=vllm:num_requests_waiting",
                "--kv-cache-usage-percentage-metric=vllm:kv_cache_usage_perc");
        assertThat(dev.slhf.serve.app.Metrics.WAITING.vllm()).contains("vllm:num_requests_waiting");
        assertThat(dev.slhf.serve.app.Metrics.KV_CACHE_USAGE.vllm()).contains("vllm:kv_cache_usage_perc");
    }

    @Test
    void aBrokenInferenceGatewayIsRejected() {
        assertThat(gatewayBroken(d -> ((ObjectNode) find(d, "InferencePool/slhf-serve").at("/spec/targetPorts/0")).put("number", 8080)))
                .anyMatch(s -> s.contains("target port 8080 is not the server's container port 'http'"));
        assertThat(gatewayBroken(d -> ((ObjectNode) find(d, "InferencePool/slhf-serve").at("/spec/selector/matchLabels"))
                .put("app.kubernetes.io/component", "epp"))).anyMatch(s -> s.contains("does not select the server pods"));
        assertThat(gatewayBroken(d -> ((ObjectNode) find(d, "InferencePool/slhf-serve").at("/spec")).remove("endpointPickerRef")))
                .anyMatch(s -> s.contains("missing required field spec.endpointPickerRef"));
        assertThat(gatewayBroken(d -> ((ObjectNode) find(d, "InferencePool/slhf-serve").at("/spec")).put("targetPortNumber", 8000)))
                .anyMatch(s -> s.contains("unknown field targetPortNumber at spec"));
        assertThat(gatewayBroken(d -> ((ObjectNode) find(d, "InferencePool/slhf-serve").at("/spec/endpointPickerRef/port")).put("number", 9003)))
                .anyMatch(s -> s.contains("endpointPickerRef port 9003 is not a port of Service slhf-serve-epp"));
        assertThat(gatewayBroken(d -> eppArg(d, "--total-queued-requests-metric=vllm:num_requests_waiting",
                "--total-queued-requests-metric=vllm:num_requests_queued")))
                .anyMatch(s -> s.contains("vllm:num_requests_queued is not a series the app publishes"));
        assertThat(gatewayBroken(d -> eppArg(d, "--kv-cache-usage-percentage-metric=vllm:kv_cache_usage_perc",
                "--kv-cache-usage-percentage-metric=vllm:num_requests_running")))
                .anyMatch(s -> s.contains("--kv-cache-usage-percentage-metric vllm:num_requests_running"));
        assertThat(gatewayBroken(d -> eppArg(d, "--model-server-metrics-path=/q/metrics", "--model-server-metrics-path=/stats")))
                .anyMatch(s -> s.contains("--model-server-metrics-path /stats"));
        assertThat(gatewayBroken(d -> eppArg(d, "--lora-info-metric=", "--v=2")))
                .anyMatch(s -> s.contains("--lora-info-metric must be set to \"\""));
        assertThat(gatewayBroken(d -> eppArg(d, "--pool-name=slhf-serve", "--pool-name=slhf")))
                .anyMatch(s -> s.contains("--pool-name slhf is not the InferencePool slhf-serve"));
        assertThat(gatewayBroken(d -> container(d).withArray("env").removeIf(e -> e.path("name").asText().equals("SLHF_METRICS_VLLM_NAMES"))))
                .anyMatch(s -> s.contains("slhf.metrics.vllm-names is not true"));
        assertThat(gatewayBroken(d -> ((ArrayNode) find(d, "Role/slhf-serve-epp").withArray("rules")).remove(2)))
                .anyMatch(s -> s.contains("may not get/list/watch pods"));
        assertThat(gatewayBroken(d -> ((ObjectNode) find(d, "HTTPRoute/slhf-serve").at("/spec/rules/0/backendRefs/0")).put("name", "other")))
                .anyMatch(s -> s.contains("backendRef InferencePool other does not exist"));
        assertThat(gatewayBroken(d -> ((ObjectNode) find(d, "HTTPRoute/slhf-serve").at("/spec/rules/0/timeouts")).put("request", "5 min")))
                .anyMatch(s -> s.contains("not a duration"));
        assertThat(gatewayBroken(d -> ((ObjectNode) find(d, "Service/slhf-serve-epp").at("/spec/ports/0")).put("targetPort", "grcp")))
                .anyMatch(s -> s.contains("targetPort grcp is not a port of the endpoint picker container"));
    }

    /** The images and the Deployment agree: port, user, working dir (config mount), writable /tmp. */
    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.cuda"})
    void dockerfileAgreesWithTheDeployment(String dockerfile) throws IOException {
        String df = Files.readString(Path.of("src/main/docker", dockerfile));
        ObjectNode d = find(MiniKustomize.render(K8S.resolve("overlays/cpu")), "Deployment/slhf-serve");
        assertThat(df).containsPattern("(?m)^EXPOSE " + APP.httpPort() + "$");
        assertThat(df).containsPattern("(?m)^ARG UID=" + d.at("/spec/template/spec/securityContext/runAsUser").asInt() + "$");
        assertThat(df).containsPattern("(?m)^USER \\$\\{UID}$");
        // Quarkus reads config/application.properties under the working directory: the ConfigMap's mount
        assertThat(df).containsPattern("(?m)^WORKDIR /deployments$");
        assertThat(d.at("/spec/template/spec/containers/0/volumeMounts").findValuesAsText("mountPath"))
                .contains("/deployments/config", "/tmp", "/models");
        // native libraries are extracted under /tmp, an emptyDir: the root filesystem stays read-only
        assertThat(df).contains("DJL_CACHE_DIR=/tmp/djl", "-Djava.io.tmpdir=/tmp");
        assertThat(d.at("/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(d.at("/spec/template/spec/volumes").findValuesAsText("name")).contains("tmp");
        assertThat(df).contains("COPY --chown=${UID}:0 target/quarkus-app/lib/ /deployments/lib/",
                "-jar /deployments/quarkus-run.jar");
    }

    /** The queue-depth HPA and the Prometheus Adapter rule name the gauge the app registers. */
    @Test
    void queueMetricIsTheOneTheAppExports() throws IOException {
        String meters = Files.readString(Path.of("src/main/java/dev/slhf/serve/app/Metrics.java"));
        assertThat(meters).contains("\"slhf.num.requests.waiting\""); // Prometheus: slhf_num_requests_waiting
        JsonNode rules = MiniKustomize.YAML.readTree(K8S.resolve("components/hpa-queue/prometheus-adapter-values.yaml").toFile());
        assertThat(rules.at("/rules/custom/0/seriesQuery").asText()).startsWith("slhf_num_requests_waiting{");
        assertThat(rules.at("/rules/custom/0/name/as").asText()).isEqualTo("slhf_num_requests_waiting");
    }

    @Test
    void everyYamlAndJsonFileUnderK8sParses() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(K8S)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (name.endsWith(".json")) {
                assertThat(new ObjectMapper().readTree(f.toFile()).path("panels").isArray()).as(f.toString()).isTrue();
            } else if (name.endsWith(".yaml")) {
                assertThat(MiniKustomize.readDocs(f)).as(f.toString()).isNotEmpty();
            }
            if (name.equals("kustomization.yaml") && MiniKustomize.kustomization(f.getParent()).path("kind").asText().equals("Kustomization")) {
                ObjectNode k = MiniKustomize.kustomization(f.getParent());
                Kustomization typed = new ObjectMapper().convertValue(k, Kustomization.class);
                assertThat(typed.getAdditionalProperties()).as(f + " unknown fields").isEmpty();
            }
        }
    }

    /** Wherever kubectl is installed, the built-in renderer must print what kustomize prints. */
    @Test
    void rendererAgreesWithKubectlKustomize() throws Exception {
        assumeTrue(kubectl(), "kubectl not installed");
        for (String target : TARGETS) {
            Process p = new ProcessBuilder("kubectl", "kustomize", K8S.resolve(target).toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("kubectl kustomize " + target).isZero();
            assertThat(byId(MiniKustomize.render(K8S.resolve(target)))).as(target).isEqualTo(byId(MiniKustomize.readDocs(out)));
        }
    }

    // ---------------------------------------------------------------- every check can fail

    @Test
    void aTypoedFieldIsRejected() {
        assertThat(broken(d -> deployment(d).with("spec").put("replica", 2))).anyMatch(s -> s.contains("unknown field(s) [replica]"));
        assertThat(broken(d -> container(d).with("livenessProbe").put("periodSecond", 5)))
                .anyMatch(s -> s.contains("unknown field(s) [periodSecond]"));
    }

    @Test
    void aWrongTypeOrQuantityIsRejected() {
        assertThat(broken(d -> deployment(d).with("spec").put("replicas", "two"))).anyMatch(s -> s.contains("does not match the Deployment schema"));
        assertThat(broken(d -> container(d).with("resources").with("limits").put("memory", "8 GB"))).anyMatch(s -> s.contains("is not a quantity"));
    }

    @Test
    void anUnknownKindIsRejected() {
        assertThat(broken(d -> d.get(0).put("apiVersion", "extensions/v1beta1"))).anyMatch(s -> s.contains("no schema"));
    }

    @Test
    void aWrongProbePathOrPortIsRejected() {
        assertThat(broken(d -> container(d).with("readinessProbe").with("httpGet").put("path", "/health/ready")))
                .anyMatch(s -> s.contains("readinessProbe path /health/ready is not the app's health endpoint /q/health/ready"));
        assertThat(broken(d -> container(d).with("startupProbe").with("httpGet").put("path", "/q/health/startup")))
                .anyMatch(s -> s.contains("startupProbe path"));
        assertThat(broken(d -> ((ObjectNode) container(d).withArray("ports").get(0)).put("containerPort", 8080)))
                .anyMatch(s -> s.contains("container port 'http' is 8080"));
        assertThat(broken(d -> container(d).with("livenessProbe").with("httpGet").put("port", 9000)))
                .anyMatch(s -> s.contains("livenessProbe port 9000"));
    }

    @Test
    void aWrongMetricsPathIsRejected() {
        assertThat(broken(d -> ((ObjectNode) find(d, "ServiceMonitor/slhf-serve").at("/spec/endpoints/0")).put("path", "/metrics")))
                .anyMatch(s -> s.contains("scrapes /metrics, the app serves metrics at /q/metrics"));
        assertThat(broken(d -> ((ObjectNode) find(d, "ServiceMonitor/slhf-serve").at("/spec/endpoints/0")).put("intervall", "15s")))
                .anyMatch(s -> s.contains("unknown field intervall"));
    }

    @Test
    void anUnknownConfigKeyIsRejected() {
        assertThat(broken(d -> appendConfig(d, "slhf.models.policy.devise=cuda")))
                .anyMatch(s -> s.contains("sets 'slhf.models.policy.devise', which is not a config property"));
        assertThat(broken(d -> appendConfig(d, "slhf.models.policy.device=cuda\nslhf.limits.max-tokens=512"))).isEmpty();
        assertThat(broken(d -> appendConfig(d, "slhf.refine.round=3"))).anyMatch(s -> s.contains("'slhf.refine.round'"));
        assertThat(broken(d -> appendConfig(d, "quarkus.http.prot=8000"))).anyMatch(s -> s.contains("'quarkus.http.prot'"));
        assertThat(broken(d -> appendConfig(d, "slhf.refine.rounds=3\nslhf.models.\"my.model\".max-waiting=8"))).isEmpty();
    }

    @Test
    void envVarsAreMappedBackToConfigKeys() {
        assertThat(broken(d -> env(d, "SLHF_REFINE_ROUNDZ", "3"))).anyMatch(s -> s.contains("env SLHF_REFINE_ROUNDZ maps to no config property"));
        assertThat(broken(d -> env(d, "SLHF_MODELS_POLICY_DEVISE", "cuda"))).anyMatch(s -> s.contains("SLHF_MODELS_POLICY_DEVISE"));
        assertThat(broken(d -> env(d, "JAVA_OPTS_APPEND", "-Xss2m -Dslhf.leadr=x"))).anyMatch(s -> s.contains("-Dslhf.leadr"));
        assertThat(broken(d -> {
            env(d, "SLHF_REFINE_MAX_ROUNDS", "4");
            env(d, "SLHF_MODELS_POLICY_MAX_BATCH_SIZE", "8");
            env(d, "QUARKUS_SHUTDOWN_TIMEOUT", "30s");
        })).isEmpty();
    }

    @Test
    void aGracePeriodShorterThanTheDrainIsRejected() {
        assertThat(broken(d -> deployment(d).with("spec").with("template").with("spec").put("terminationGracePeriodSeconds", 30)))
                .anyMatch(s -> s.contains("terminationGracePeriodSeconds 30 < preStop 10 s + quarkus.shutdown.timeout 30 s"));
        assertThat(broken(d -> container(d).remove("lifecycle"))).anyMatch(s -> s.contains("no preStop sleep"));
    }

    @Test
    void brokenReferencesAreRejected() {
        assertThat(broken(d -> find(d, "Service/slhf-serve").with("spec").with("selector").put("app.kubernetes.io/name", "slhf")))
                .anyMatch(s -> s.contains("Service/slhf-serve: selector"));
        assertThat(broken(d -> find(d, "HorizontalPodAutoscaler/slhf-serve").with("spec").with("scaleTargetRef").put("name", "slhf")))
                .anyMatch(s -> s.contains("scaleTargetRef Deployment/slhf does not exist"));
        assertThat(broken(d -> d.removeIf(o -> o.path("kind").asText().equals("PersistentVolumeClaim"))))
                .anyMatch(s -> s.contains("PersistentVolumeClaim slhf-serve-models does not exist"));
    }

    @Test
    void theRendererRefusesWhatItDoesNotImplement(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("kustomization.yaml"), "resources: [x.yaml]\nnamePrefix: prod-\n");
        assertThatThrownBy(() -> MiniKustomize.render(tmp)).hasMessageContaining("'namePrefix' is not supported");
        Files.writeString(tmp.resolve("kustomization.yaml"), "resources: [../outside.yaml]\n");
        assertThatThrownBy(() -> MiniKustomize.render(tmp)).hasMessageContaining("outside the kustomization root");
    }

    // ---------------------------------------------------------------- helpers

    /** The problems the checks find in the CPU overlay after {@code edit}. */
    private static List<String> broken(Consumer<List<ObjectNode>> edit) {
        List<ObjectNode> docs = MiniKustomize.render(K8S.resolve("overlays/cpu"));
        assertThat(ManifestChecks.check(docs, APP)).isEmpty();
        edit.accept(docs);
        return ManifestChecks.check(docs, APP);
    }

    /** The problems the checks find in the inference-gateway example after {@code edit}. */
    private static List<String> gatewayBroken(Consumer<List<ObjectNode>> edit) {
        List<ObjectNode> docs = MiniKustomize.render(K8S.resolve("examples/inference-gateway"));
        assertThat(ManifestChecks.check(docs, APP)).isEmpty();
        edit.accept(docs);
        return ManifestChecks.check(docs, APP);
    }

    private static void eppArg(List<ObjectNode> docs, String from, String to) {
        ArrayNode args = (ArrayNode) find(docs, "Deployment/slhf-serve-epp").at("/spec/template/spec/containers/0/args");
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).asText().equals(from)) {
                args.set(i, args.textNode(to));
                return;
            }
        }
        throw new AssertionError("no EPP arg " + from);
    }

    private static ObjectNode deployment(List<ObjectNode> docs) {
        return find(docs, "Deployment/slhf-serve");
    }

    private static ObjectNode container(List<ObjectNode> docs) {
        return (ObjectNode) deployment(docs).at("/spec/template/spec/containers/0");
    }

    private static void appendConfig(List<ObjectNode> docs, String lines) {
        ObjectNode data = find(docs, "ConfigMap/slhf-serve-config").with("data");
        data.put("application.properties", data.path("application.properties").asText() + lines + "\n");
    }

    private static void env(List<ObjectNode> docs, String name, String value) {
        ArrayNode env = container(docs).withArray("env");
        env.addObject().put("name", name).put("value", value);
    }

    private static ObjectNode find(List<ObjectNode> docs, String id) {
        return docs.stream().filter(o -> id(o).equals(id)).findFirst().orElseThrow(() -> new AssertionError("no " + id));
    }

    private static String id(JsonNode o) {
        return o.path("kind").asText() + "/" + o.path("metadata").path("name").asText();
    }

    private static List<String> kinds(List<ObjectNode> docs) {
        return docs.stream().map(ManifestsTest::id).collect(Collectors.toList());
    }

    private static Map<String, JsonNode> byId(List<ObjectNode> docs) {
        Map<String, JsonNode> out = new TreeMap<>();
        docs.forEach(o -> out.put(id(o), o));
        return out;
    }

    private static boolean onClasspath(String className) {
        try {
            Class.forName(className, false, ManifestsTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static boolean kubectl() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, "kubectl")));
    }
}
