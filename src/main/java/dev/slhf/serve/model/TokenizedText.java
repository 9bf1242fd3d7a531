package dev.slhf.serve.model;

import java.util.List;

/**
 * A text as the tokenizer splits it: the ids and each id's vocabulary string (byte-level tokens
 * as stored, e.g. "Ġhello"), as transformers' {@code convert_ids_to_tokens} gives them.
 */
public record TokenizedText(int[] ids, List<String> tokenStrings) {}
