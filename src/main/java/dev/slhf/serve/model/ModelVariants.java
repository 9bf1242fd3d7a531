package dev.slhf.serve.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Picks the ONNX file a model directory is served from. Two layouts are read, both with
 * config.json and the tokenizer files at the directory's root:
 * <ul>
 *   <li>optimum's export: {@code model.onnx} at the root (a quantizer's copy such as
 *       {@code model_quantized.onnx} beside it);</li>
 *   <li>Transformers.js' (the onnx-community repositories): every graph under {@code onnx/}, one per
 *       weight variant, {@code model.onnx}, {@code model_fp16.onnx}, {@code model_q4.onnx}, ...</li>
 * </ul>
 * A variant is what Transformers.js calls a dtype: it names a file suffix ({@code q4} is
 * {@code model_q4.onnx}, {@code q8} is {@code model_quantized.onnx}, {@code fp32} the plain
 * {@code model.onnx}), or it is a file name relative to the directory ({@code onnx/model_q4.onnx}).
 * Without one the plain {@code model.onnx} is served; it is never guessed from what else is
 * there, because a quantized file silently standing in for the full-precision one changes every
 * output. Whatever is missing or ambiguous is an error that lists what the directory does hold.
 */
public final class ModelVariants {

    /** Transformers.js' folder for the graphs (its {@code subfolder} default). */
    public static final String ONNX_SUBFOLDER = "onnx";

    private static final String PLAIN = ModelDirectory.MODEL_FILE;
    private static final Pattern VARIANT_FILE = Pattern.compile("model(?:_([A-Za-z0-9]+))?\\.onnx");
    private static final Pattern VARIANT_WORD = Pattern.compile("[A-Za-z0-9]+");
    /** optimum's layout before its single-graph export (2023): two decoders, or both merged behind an If. */
    private static final Pattern LEGACY_DECODER = Pattern.compile("decoder_(?:with_past_)?model(?:_merged)?(?:_\\w+)?\\.onnx");
    private static final String LFS_POINTER = "version https://git-lfs.github.com/spec/";

    private ModelVariants() {}

    /**
     * The model file of {@code directory} for {@code variant} (empty: the plain model.onnx).
     *
     * @param name the model's name, for the setting the error messages point to
     */
    public static Path choose(String name, Path directory, Optional<String> variant) {
        String asked = variant.map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
        Path file = asked != null && asked.endsWith(".onnx") ? byFileName(name, directory, asked)
                : byVariant(name, directory, asked);
        rejectLfsPointers(file);
        return file;
    }

    private static Path byFileName(String name, Path directory, String fileName) {
        Path relative = Path.of(fileName).normalize();
        if (relative.isAbsolute() || relative.startsWith("..")) {
            // config.json and the tokenizer come from the directory: a graph from elsewhere would not match them
            throw new ModelLoadException(directory, "variant '" + fileName + "' must be a file inside the model"
                    + " directory (a name relative to it, such as onnx/model_q4.onnx)");
        }
        Path file = directory.resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(file, "required file is missing (variant '" + fileName + "'); " + present(name, directory));
        }
        return file;
    }

    private static Path byVariant(String name, Path directory, String variant) {
        String fileName = fileFor(directory, variant);
        Path atRoot = directory.resolve(fileName);
        Path inSubfolder = directory.resolve(ONNX_SUBFOLDER).resolve(fileName);
        boolean root = Files.isRegularFile(atRoot), sub = Files.isRegularFile(inSubfolder);
        if (root && sub) {
            throw new ModelLoadException(directory, "both " + fileName + " and " + ONNX_SUBFOLDER + "/" + fileName
                    + " exist; name the one to serve as variant=" + fileName + " or variant=" + ONNX_SUBFOLDER + "/" + fileName
                    + " (slhf.models." + name + ".variant)");
        }
        if (root || sub) {
            return root ? atRoot : inSubfolder;
        }
        String what = variant == null ? "the default variant" : "variant '" + variant + "'";
        throw new ModelLoadException(atRoot, "required file is missing (" + what + ": " + fileName + ", looked in the"
                + " directory and its " + ONNX_SUBFOLDER + "/ folder); " + present(name, directory));
    }

    /** Transformers.js' dtype names: the file suffix, except fp32 (none) and q8 (_quantized). */
    private static String fileFor(Path directory, String variant) {
        if (variant == null || variant.equalsIgnoreCase("fp32")) {
            return PLAIN;
        }
        if (!VARIANT_WORD.matcher(variant).matches()) {
            throw new ModelLoadException(directory, "variant '" + variant + "' is neither a variant name (letters and"
                    + " digits: q4, fp16, int8, ...) nor an .onnx file name");
        }
        String v = variant.toLowerCase(Locale.ROOT);
        return "model_" + (v.equals("q8") ? "quantized" : v) + ".onnx";
    }

    /** What the directory holds, for an error: the variants, else other ONNX files, else a layout we refuse. */
    private static String present(String name, Path directory) {
        List<String> variants = new ArrayList<>();
        List<String> others = new ArrayList<>();
        List<String> legacy = new ArrayList<>();
        for (String file : onnxFiles(directory)) {
            String base = file.substring(file.lastIndexOf('/') + 1);
            Matcher m = VARIANT_FILE.matcher(base);
            if (m.matches()) {
                String v = m.group(1) == null ? "fp32" : m.group(1).equals("quantized") ? "q8" : m.group(1);
                variants.add(v + " (" + file + ")");
            } else if (LEGACY_DECODER.matcher(base).matches()) {
                legacy.add(file);
            } else {
                others.add(file);
            }
        }
        if (!variants.isEmpty()) {
            return "variants present: " + String.join(", ", variants) + "; choose one with slhf.models." + name
                    + ".variant (or --variant " + name + "=VARIANT)";
        }
        if (!legacy.isEmpty()) {
            return "found " + String.join(", ", legacy) + ": optimum's legacy decoder layout (decoder_model.onnx"
                    + " + decoder_with_past_model.onnx, or decoder_model_merged.onnx with a use_cache_branch input) is"
                    + " not supported; re-export with a current optimum (optimum-cli export onnx --task"
                    + " text-generation-with-past), which writes a single model.onnx";
        }
        if (!others.isEmpty()) {
            return "ONNX files present: " + String.join(", ", others) + "; name the one to serve with slhf.models."
                    + name + ".variant=<file name relative to the directory>";
        }
        return "no ONNX file in the directory or its " + ONNX_SUBFOLDER + "/ folder";
    }

    /** The .onnx files at the root and under onnx/, relative to the directory, sorted. */
    private static List<String> onnxFiles(Path directory) {
        List<String> out = new ArrayList<>();
        for (String folder : List.of("", ONNX_SUBFOLDER + "/")) {
            Path dir = directory.resolve(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().endsWith(".onnx") && Files.isRegularFile(f))
                        .map(f -> folder + f.getFileName()).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new ModelLoadException(dir, "cannot be listed", e);
            }
        }
        return out;
    }

    /**
     * A clone without git-lfs leaves ~130-byte text pointers where the weights should be; ONNX
     * Runtime would only say the protobuf is invalid. The graph and its usual external data files
     * ({@code <file>_data}, onnx-community's {@code <file>_data_1}, ...) are checked.
     */
    private static void rejectLfsPointers(Path file) {
        String base = file.getFileName().toString();
        List<Path> candidates = new ArrayList<>(List.of(file));
        try (Stream<Path> siblings = Files.list(file.getParent())) {
            siblings.filter(f -> f.getFileName().toString().startsWith(base + "_data")).sorted().forEach(candidates::add);
        } catch (IOException e) {
            throw new ModelLoadException(file.getParent(), "cannot be listed", e);
        }
        for (Path f : candidates) {
            if (isLfsPointer(f)) {
                throw new ModelLoadException(f, "is a Git LFS pointer, not the weights: the repository was cloned"
                        + " without git-lfs; run 'git lfs pull' in it (or download the file itself)");
            }
        }
    }

    private static boolean isLfsPointer(Path f) {
        try {
            if (!Files.isRegularFile(f) || Files.size(f) > 1024) {
                return false;
            }
            try (InputStream in = Files.newInputStream(f)) {
                byte[] head = in.readNBytes(LFS_POINTER.length());
                return new String(head, StandardCharsets.US_ASCII).equals(LFS_POINTER);
            }
        } catch (IOException e) {
            return false; // unreadable files are reported by the load itself
        }
    }
}
