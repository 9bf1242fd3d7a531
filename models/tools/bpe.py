# Byte-level BPE (GPT-2 / Qwen2 style) written from scratch: a deterministic
# trainer, an encoder that reproduces what the HuggingFace `tokenizers` (Rust)
# library does with the tokenizer.json written by `tokenizer_json()`, and a
# decoder.
#
# Dependencies (Debian): apt-get install -y python3-regex
# Run with /usr/bin/python3.

import regex

# GPT-2 pre-tokenization pattern, as used by the HF ByteLevel pre-tokenizer
# when "use_regex": true.
GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
_PAT = regex.compile(GPT2_PATTERN)

# Special tokens, in id order (appended after the BPE vocabulary, like Qwen2).
SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable unicode char mapping."""
    bs = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
          + list(range(ord("®"), ord("ÿ") + 1)))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


BYTE_TO_UNICODE = bytes_to_unicode()
UNICODE_TO_BYTE = {c: b for b, c in BYTE_TO_UNICODE.items()}


def pretokenize(text):
    """Regex split + byte-level mapping (HF ByteLevel pre-tokenizer, add_prefix_space=false)."""
    return ["".join(BYTE_TO_UNICODE[b] for b in piece.encode("utf-8")) for piece in _PAT.findall(text)]


def train(corpus_texts, vocab_size):
    """Deterministic BPE training.

    Returns (vocab: dict token->id, merges: list of (a, b)). Ids 0..255 are the
    256 byte tokens (id == byte value); merged tokens follow in merge order.
    `vocab_size` counts the BPE vocabulary only (no special tokens).
    """
    vocab = {BYTE_TO_UNICODE[b]: b for b in range(256)}
    word_freq = {}
    for text in corpus_texts:
        for w in pretokenize(text):
            word_freq[w] = word_freq.get(w, 0) + 1
    # deterministic order: sort words
    words = [[list(w), f] for w, f in sorted(word_freq.items())]
    merges = []
    while len(vocab) < vocab_size:
        counts = {}
        for syms, f in words:
            for i in range(len(syms) - 1):
                p = (syms[i], syms[i + 1])
                counts[p] = counts.get(p, 0) + f
        if not counts:
            break
        best = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        (a, b), c = best
        if c < 2:
            break
        merges.append((a, b))
        new = a + b
        if new not in vocab:
            vocab[new] = len(vocab)
        for entry in words:
            syms = entry[0]
            if len(syms) < 2:
                continue
            out = []
            i = 0
            while i < len(syms):
                if i + 1 < len(syms) and syms[i] == a and syms[i + 1] == b:
                    out.append(new)
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            entry[0] = out
    return vocab, merges


class ByteLevelBPE:
    def __init__(self, vocab, merges, specials=SPECIAL_TOKENS):
        self.vocab = dict(vocab)
        self.merges = list(merges)
        self.ranks = {tuple(m): r for r, m in enumerate(self.merges)}
        self.specials = {}
        nxt = max(self.vocab.values()) + 1
        for s in specials:
            self.specials[s] = nxt
            nxt += 1
        self.id_to_token = {i: t for t, i in self.vocab.items()}
        for s, i in self.specials.items():
            self.id_to_token[i] = s
        self._special_re = regex.compile("|".join(regex.escape(s) for s in
                                                   sorted(self.specials, key=len, reverse=True)))
        self._cache = {}

    @property
    def size(self):
        return len(self.id_to_token)

    def _bpe(self, word):
        """HF BPE model: repeatedly merge the adjacent pair with the lowest
        (rank, position) until none of the adjacent pairs is a merge."""
        if word in self._cache:
            return self._cache[word]
        syms = list(word)
        while len(syms) > 1:
            best = None
            for i in range(len(syms) - 1):
                r = self.ranks.get((syms[i], syms[i + 1]))
                if r is not None and (best is None or r < best[0]):
                    best = (r, i)
            if best is None:
                break
            i = best[1]
            syms[i:i + 2] = [syms[i] + syms[i + 1]]
        ids = [self.vocab[s] for s in syms]
        self._cache[word] = ids
        return ids

    def encode(self, text):
        """Added (special) tokens are split out first, then each remaining
        segment is pre-tokenized and BPE-encoded."""
        ids = []
        pos = 0
        for m in self._special_re.finditer(text):
            ids.extend(self._encode_plain(text[pos:m.start()]))
            ids.append(self.specials[m.group(0)])
            pos = m.end()
        ids.extend(self._encode_plain(text[pos:]))
        return ids

    def _encode_plain(self, text):
        ids = []
        for w in pretokenize(text):
            ids.extend(self._bpe(w))
        return ids

    def decode(self, ids, skip_special_tokens=False):
        out = bytearray()
        parts = []
        for i in ids:
            t = self.id_to_token[i]
            if t in self.specials:
                if not skip_special_tokens:
                    parts.append(out.decode("utf-8", errors="replace"))
                    out = bytearray()
                    parts.append(t)
                continue
            out.extend(UNICODE_TO_BYTE[c] for c in t)
        parts.append(out.decode("utf-8", errors="replace"))
        return "".join(parts)

    # ---- HuggingFace files -------------------------------------------------

    def added_tokens(self):
        return [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                 "normalized": False, "special": True} for s, i in self.specials.items()]

    def tokenizer_json(self):
        """The `tokenizer.json` document (HF tokenizers serialization format)."""
        byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False,
                      "use_regex": True}
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": self.added_tokens(),
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                              "use_regex": True},
            "post_processor": dict(byte_level),
            "decoder": dict(byte_level),
            "model": {
                "type": "BPE",
                "dropout": None,
                "unk_token": None,
                "continuing_subword_prefix": None,
                "end_of_word_suffix": None,
                "fuse_unk": False,
                "byte_fallback": False,
                "ignore_merges": False,
                "vocab": dict(sorted(self.vocab.items(), key=lambda kv: kv[1])),
                "merges": [a + " " + b for a, b in self.merges],
            },
        }

    def tokenizer_config_json(self, model_max_length):
        chat_template = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
                         "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
                         "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
        return {
            "add_bos_token": False,
            "add_prefix_space": False,
            "added_tokens_decoder": {
                str(i): {"content": s, "lstrip": False, "normalized": False, "rstrip": False,
                         "single_word": False, "special": True}
                for s, i in self.specials.items()},
            "additional_special_tokens": ["<|im_start|>", "<|im_end|>"],
            "bos_token": None,
            "chat_template": chat_template,
            "clean_up_tokenization_spaces": False,
            "eos_token": "<|im_end|>",
            "errors": "replace",
            "model_max_length": model_max_length,
            "pad_token": "<|endoftext|>",
            "split_special_tokens": False,
            "tokenizer_class": "Qwen2Tokenizer",
            "unk_token": None,
        }


def render_chatml(messages, add_generation_prompt=True):
    """Python rendering of the chat_template above."""
    s = "".join("<|im_start|>" + m["role"] + "\n" + m["content"] + "<|im_end|>" + "\n" for m in messages)
    if add_generation_prompt:
        s += "<|im_start|>assistant\n"
    return s
