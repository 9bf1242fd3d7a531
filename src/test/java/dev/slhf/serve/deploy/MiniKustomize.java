package dev.slhf.serve.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A kustomize renderer for exactly the features k8s/ uses, so CI renders the overlays without a
 * kubectl binary (Debian has none). Anything else is refused, never silently ignored:
 * <ul>
 *   <li>{@code resources}: YAML files (several documents allowed) and directories with a kustomization;</li>
 *   <li>{@code components} ({@code kind: Component}): their resources, generators and patches;</li>
 *   <li>{@code configMapGenerator} with {@code files} (key = file name, or {@code key=path}) and
 *       {@code literals}, and {@code generatorOptions} with {@code disableNameSuffixHash: true}
 *       (required: hash suffixes are not implemented) and {@code labels};</li>
 *   <li>{@code patches}: inline JSON6902 ({@code target} + {@code patch} list of add/replace/remove)
 *       and a {@code path} to a {@code $patch: delete} object;</li>
 *   <li>{@code images}: {@code name} → {@code newName}/{@code newTag} on (init) containers.</li>
 * </ul>
 * Like kustomize, files are only read at or below a kustomization's directory.
 * {@link ManifestsTest} checks that it renders what {@code kubectl kustomize} renders wherever
 * kubectl is installed.
 */
final class MiniKustomize {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final Set<String> KUSTOMIZATION_FIELDS = Set.of("apiVersion", "kind", "resources", "components",
            "patches", "images", "configMapGenerator", "generatorOptions");

    private MiniKustomize() {}

    /** The objects {@code kubectl kustomize dir} would print, in resource order. */
    static List<ObjectNode> render(Path dir) {
        return build(dir.toAbsolutePath().normalize(), "Kustomization");
    }

    private static List<ObjectNode> build(Path dir, String expectedKind) {
        ObjectNode k = kustomization(dir);
        String kind = k.path("kind").asText("Kustomization");
        if (!kind.equals(expectedKind)) {
            throw new IllegalArgumentException(dir + ": kind " + kind + ", expected " + expectedKind);
        }
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            if (Files.isDirectory(p)) { // another kustomization: may live anywhere, as in kustomize
                out.addAll(build(p, "Kustomization"));
            } else {
                out.addAll(readDocs(within(dir, r.asText())));
            }
        }
        for (JsonNode c : k.path("components")) {
            Path cdir = dir.resolve(c.asText()).normalize(); // components may live anywhere, as in kustomize
            ObjectNode ck = kustomization(cdir);
            for (JsonNode r : ck.path("resources")) {
                out.addAll(readDocs(within(cdir, r.asText())));
            }
            out.addAll(generate(cdir, ck));
            applyPatches(cdir, ck, out);
            applyImages(ck, out);
        }
        out.addAll(generate(dir, k));
        applyPatches(dir, k, out);
        applyImages(k, out);
        return out;
    }

    static ObjectNode kustomization(Path dir) {
        Path f = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException("no kustomization.yaml in " + dir);
        }
        ObjectNode k = (ObjectNode) readTree(f);
        for (Iterator<String> it = k.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!KUSTOMIZATION_FIELDS.contains(field)) {
                throw new IllegalArgumentException(f + ": field '" + field + "' is not supported by MiniKustomize");
            }
        }
        return k;
    }

    private static List<ObjectNode> generate(Path dir, ObjectNode k) {
        JsonNode options = k.path("generatorOptions");
        for (Iterator<String> it = options.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!f.equals("disableNameSuffixHash") && !f.equals("labels")) {
                throw new IllegalArgumentException(dir + ": generatorOptions." + f + " is not supported");
            }
        }
        List<ObjectNode> out = new ArrayList<>();
        if (!k.has("configMapGenerator")) {
            return out;
        }
        if (!options.path("disableNameSuffixHash").asBoolean(false)) {
            throw new IllegalArgumentException(dir + ": configMapGenerator needs generatorOptions.disableNameSuffixHash: true "
                    + "(hash suffixes are not implemented)");
        }
        for (JsonNode g : k.path("configMapGenerator")) {
            for (Iterator<String> it = g.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!Set.of("name", "files", "literals").contains(f)) {
                    throw new IllegalArgumentException(dir + ": configMapGenerator field '" + f + "' is not supported");
                }
            }
            ObjectNode cm = JsonNodeFactory.instance.objectNode();
            cm.put("apiVersion", "v1");
            ObjectNode data = cm.putObject("data");
            for (JsonNode lit : g.path("literals")) {
                String s = lit.asText();
                int eq = s.indexOf('=');
                data.put(s.substring(0, eq), s.substring(eq + 1));
            }
            for (JsonNode file : g.path("files")) {
                String spec = file.asText();
                int eq = spec.indexOf('=');
                Path p = within(dir, eq < 0 ? spec : spec.substring(eq + 1));
                String key = eq < 0 ? p.getFileName().toString() : spec.substring(0, eq);
                try {
                    data.put(key, Files.readString(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            cm.put("kind", "ConfigMap");
            ObjectNode meta = cm.putObject("metadata");
            if (options.has("labels")) {
                meta.set("labels", options.get("labels").deepCopy());
            }
            meta.put("name", g.path("name").asText());
            out.add(cm);
        }
        return out;
    }

    private static void applyPatches(Path dir, ObjectNode k, List<ObjectNode> objects) {
        for (JsonNode p : k.path("patches")) {
            if (p.has("path")) {
                JsonNode del = readTree(within(dir, p.get("path").asText()));
                if (!"delete".equals(del.path("$patch").asText())) {
                    throw new IllegalArgumentException(dir + ": only '$patch: delete' patch files are supported");
                }
                boolean removed = objects.removeIf(o -> o.path("kind").equals(del.path("kind"))
                        && o.path("metadata").path("name").equals(del.path("metadata").path("name")));
                if (!removed) {
                    throw new IllegalArgumentException(dir + ": delete patch matches nothing: " + del);
                }
                continue;
            }
            JsonNode target = p.path("target");
            JsonNode ops = readTree(p.path("patch").asText());
            List<ObjectNode> matched = objects.stream().filter(o -> matches(target, o)).toList();
            if (matched.isEmpty()) {
                throw new IllegalArgumentException(dir + ": patch target matches nothing: " + target);
            }
            for (ObjectNode o : matched) {
                for (JsonNode op : ops) {
                    JsonPatch.apply(o, op);
                }
            }
        }
    }

    private static boolean matches(JsonNode target, ObjectNode o) {
        for (Iterator<Map.Entry<String, JsonNode>> it = target.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String want = e.getValue().asText();
            String apiVersion = o.path("apiVersion").asText();
            int slash = apiVersion.indexOf('/');
            String have = switch (e.getKey()) {
                case "group" -> slash < 0 ? "" : apiVersion.substring(0, slash);
                case "version" -> apiVersion.substring(slash + 1);
                case "kind" -> o.path("kind").asText();
                case "name" -> o.path("metadata").path("name").asText();
                default -> throw new IllegalArgumentException("patch target field '" + e.getKey() + "' is not supported");
            };
            if (!want.equals(have)) {
                return false;
            }
        }
        return true;
    }

    private static void applyImages(ObjectNode k, List<ObjectNode> objects) {
        for (JsonNode img : k.path("images")) {
            for (Iterator<String> it = img.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!Set.of("name", "newName", "newTag").contains(f)) {
                    throw new IllegalArgumentException("images field '" + f + "' is not supported");
                }
            }
            String name = img.path("name").asText();
            for (ObjectNode o : objects) {
                JsonNode pod = o.path("spec").path("template").path("spec");
                for (String list : List.of("initContainers", "containers")) {
                    for (JsonNode c : pod.path(list)) {
                        String image = c.path("image").asText();
                        int at = image.indexOf('@');
                        String noDigest = at < 0 ? image : image.substring(0, at);
                        int colon = noDigest.lastIndexOf(':');
                        boolean hasTag = colon > noDigest.lastIndexOf('/');
                        String base = hasTag ? noDigest.substring(0, colon) : noDigest;
                        if (!base.equals(name)) {
                            continue;
                        }
                        String newName = img.path("newName").asText(base);
                        String tag = img.has("newTag") ? ":" + img.get("newTag").asText()
                                : hasTag ? noDigest.substring(colon) : "";
                        ((ObjectNode) c).put("image", newName + tag + (at < 0 ? "" : image.substring(at)));
                    }
                }
            }
        }
    }

    /** Every document of a YAML file (empty documents skipped); each must be a mapping. */
    static List<ObjectNode> readDocs(Path file) {
        try {
            return readDocs(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    static List<ObjectNode> readDocs(String yaml) {
        List<ObjectNode> out = new ArrayList<>();
        try (YAMLParser parser = ((YAMLFactory) YAML.getFactory()).createParser(yaml)) {
            for (Iterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(parser); it.hasNext();) {
                JsonNode n = it.next();
                if (n == null || n.isNull() || n.isMissingNode()) {
                    continue;
                }
                if (!n.isObject()) {
                    throw new IllegalArgumentException("a YAML document is not a mapping: " + n);
                }
                out.add((ObjectNode) n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static JsonNode readTree(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode readTree(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path within(Path dir, String rel) {
        Path p = dir.resolve(rel).normalize();
        if (!p.startsWith(dir)) {
            throw new IllegalArgumentException(dir + ": '" + rel + "' is outside the kustomization root "
                    + "(kustomize refuses it; make it a kustomization directory of its own)");
        }
        if (!Files.exists(p)) {
            throw new IllegalArgumentException(dir + ": '" + rel + "' does not exist");
        }
        return p;
    }

    /** RFC 6902 add / replace / remove, as kustomize applies them. */
    static final class JsonPatch {
        private JsonPatch() {}

        static void apply(ObjectNode root, JsonNode op) {
            String kind = op.path("op").asText();
            List<String> tokens = pointer(op.path("path").asText());
            JsonNode parent = root;
            for (String t : tokens.subList(0, tokens.size() - 1)) {
                parent = parent.isArray() ? parent.path(Integer.parseInt(t)) : parent.path(t);
                if (parent.isMissingNode()) {
                    throw new IllegalArgumentException("patch path does not exist: " + op.path("path").asText());
                }
            }
            String last = tokens.get(tokens.size() - 1);
            JsonNode value = op.get("value");
            if (parent instanceof ObjectNode obj) {
                switch (kind) {
                    case "add" -> obj.set(last, value.deepCopy());
                    case "replace", "remove" -> {
                        if (!obj.has(last)) {
                            throw new IllegalArgumentException(kind + " of a missing field: " + op.path("path").asText());
                        }
                        if (kind.equals("replace")) {
                            obj.set(last, value.deepCopy());
                        } else {
                            obj.remove(last);
                        }
                    }
                    default -> throw new IllegalArgumentException("patch op '" + kind + "' is not supported");
                }
            } else if (parent instanceof ArrayNode arr) {
                int i = last.equals("-") ? arr.size() : Integer.parseInt(last);
                switch (kind) {
                    case "add" -> arr.insert(i, value.deepCopy());
                    case "replace" -> {
                        checkIndex(arr, i, op);
                        arr.set(i, value.deepCopy());
                    }
                    case "remove" -> {
                        checkIndex(arr, i, op);
                        arr.remove(i);
                    }
                    default -> throw new IllegalArgumentException("patch op '" + kind + "' is not supported");
                }
            } else {
                throw new IllegalArgumentException("patch path does not exist: " + op.path("path").asText());
            }
        }

        private static void checkIndex(ArrayNode arr, int i, JsonNode op) {
            if (i < 0 || i >= arr.size()) {
                throw new IllegalArgumentException("patch index out of range: " + op.path("path").asText());
            }
        }

        private static List<String> pointer(String path) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("not a JSON pointer: " + path);
            }
            List<String> out = new ArrayList<>();
            for (String t : path.substring(1).split("/", -1)) {
                out.add(t.replace("~1", "/").replace("~0", "~"));
            }
            return out;
        }
    }
}
