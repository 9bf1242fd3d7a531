#!/usr/bin/python3
"""Reference decodes for the decode-options test (DecodeOptionsTest), computed independently of
the Java server: the fixture's byte-level BPE is decoded by models/tools/bpe.py (a from-scratch
implementation, no Rust `tokenizers`), and clean_up_tokenization_spaces is transformers' rule
(PreTrainedTokenizerBase.clean_up_tokenization) written again here.

    /usr/bin/python3 models/tools/decode_reference.py   # -> src/test/resources/decode/reference.json
"""
import json
import os

from bpe import ByteLevelBPE

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
TOKENIZER = os.path.join(ROOT, "src", "test", "resources", "fixture", "tiny-qwen", "tokenizer.json")
OUT = os.path.join(ROOT, "src", "test", "resources", "decode", "reference.json")

# Sentences as a word-level tokenizer would have spaced them: every rule of the cleanup appears,
# next to special tokens, unicode, and text the cleanup must leave alone.
TEXTS = [
    "Hello , world ! How are you ?",
    "I do n't know . It 's fine , we 're here and I 'm ok .",
    "They 've said ' yes ' twice .",
    "<|im_start|>assistant\nDone .<|im_end|> Next , please !<|endoftext|>",
    "Grüße , 世界 ! 🙂 . naïve ?",
    "No cleanup here: a.b, c?d and 'quoted' text.",
    "Edge : ' ' and  .. , , ! ?",
    "sorted: 3 7 19 42 .",
]


def clean_up_tokenization(out_string):
    return (out_string.replace(" .", ".").replace(" ?", "?").replace(" !", "!")
            .replace(" ,", ",").replace(" ' ", "'").replace(" n't", "n't")
            .replace(" 'm", "'m").replace(" 's", "'s").replace(" 've", "'ve")
            .replace(" 're", "'re"))


def main():
    with open(TOKENIZER, encoding="utf-8") as f:
        spec = json.load(f)
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in spec["model"]["merges"]]
    bpe = ByteLevelBPE(spec["model"]["vocab"], merges)
    cases = []
    for text in TEXTS:
        ids = bpe.encode(text)
        assert bpe.decode(ids) == text, text
        skip = bpe.decode(ids, skip_special_tokens=True)
        keep = bpe.decode(ids, skip_special_tokens=False)
        cases.append({"text": text, "ids": ids,
                      "skip_special": skip, "keep_special": keep,
                      "skip_special_cleaned": clean_up_tokenization(skip),
                      "keep_special_cleaned": clean_up_tokenization(keep)})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"generator": "models/tools/decode_reference.py (bpe.py decoder + transformers'"
                                " clean_up_tokenization rule)", "cases": cases},
                  f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
