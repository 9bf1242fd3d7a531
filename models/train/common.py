"""Shared pieces of the demo-model training: tokenizers, chat formats, batching,
batched KV-cache generation, corruptions."""
import json
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(MODELS, "tools"))
sys.path.insert(0, MODELS)
sys.dont_write_bytecode = True

import torch  # noqa: E402

import bpe  # noqa: E402
import tasks  # noqa: E402
from tasks.suite import WORDS  # noqa: E402

INSTRUCTION = "Improve the previous answer. Phrase it as if it was the original response."

QWEN_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
GPT2_SPECIALS = ["<|endoftext|>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"]
QWEN_BPE_VOCAB = 765    # + 3 specials = 768
GPT2_BPE_VOCAB = 635    # + 5 specials = 640 (if the corpus allows that many merges)
TOKENIZER_SEED = 7


def log(*a):
    print(*a, flush=True)


def dump_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(obj, indent=2, ensure_ascii=False))
        f.write("\n")


# ---------------------------------------------------------------------------
# chat formats


class ChatFormat:
    """How a model family renders a chat and ends an answer."""

    def __init__(self, kind, tok):
        self.kind = kind
        self.tok = tok
        if kind == "qwen":
            self.eos = tok.specials["<|im_end|>"]
            self.stop_ids = [tok.specials["<|im_end|>"], tok.specials["<|endoftext|>"]]
            self.pad = tok.specials["<|endoftext|>"]
        else:
            self.eos = tok.specials["<|end|>"]
            self.stop_ids = [tok.specials["<|end|>"], tok.specials["<|endoftext|>"]]
            self.pad = tok.specials["<|endoftext|>"]

    def render(self, messages):
        if self.kind == "qwen":
            return bpe.render_chatml(messages, add_generation_prompt=True)
        s = "".join("<|" + m["role"] + "|>" + "\n" + m["content"] + "<|end|>" + "\n" for m in messages)
        return s + "<|assistant|>\n"

    def leader_prompt(self, x):
        return self.render([{"role": "user", "content": x}])

    def follower_prompt(self, x, y):
        return self.render([{"role": "user", "content": x}, {"role": "assistant", "content": y},
                            {"role": "user", "content": INSTRUCTION}])

    def encode_pair(self, prompt_text, target_text):
        """prompt ids + target ids (+eos). Returns (ids, n_prompt)."""
        p = self.tok.encode(prompt_text)
        t = self.tok.encode(target_text) + [self.eos]
        return p + t, len(p)

    def decode(self, ids):
        return self.tok.decode(ids, skip_special_tokens=True)

    def chat_template(self):
        if self.kind == "qwen":
            return None  # bpe.ByteLevelBPE.tokenizer_config_json has it
        return ("{% for message in messages %}{{'<|' + message['role'] + '|>' + '\\n' + "
                "message['content'] + '<|end|>' + '\\n'}}{% endfor %}"
                "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}")


def gpt2_tokenizer_config(tok, model_max_length):
    fmt = ChatFormat("gpt2", tok)
    return {
        "add_bos_token": False,
        "add_prefix_space": False,
        "added_tokens_decoder": {
            str(i): {"content": s, "lstrip": False, "normalized": False, "rstrip": False,
                     "single_word": False, "special": True}
            for s, i in tok.specials.items()},
        "additional_special_tokens": ["<|system|>", "<|user|>", "<|assistant|>", "<|end|>"],
        "bos_token": "<|endoftext|>",
        "chat_template": fmt.chat_template(),
        "clean_up_tokenization_spaces": False,
        "eos_token": "<|end|>",
        "errors": "replace",
        "model_max_length": model_max_length,
        "pad_token": "<|endoftext|>",
        "split_special_tokens": False,
        "tokenizer_class": "GPT2Tokenizer",
        "unk_token": "<|endoftext|>",
    }


# ---------------------------------------------------------------------------
# tokenizers


def tokenizer_corpus(exclude, n=6000):
    """Task text (prompts, answers, the follower instruction, role names)."""
    texts = []
    stream = tasks.training_stream(TOKENIZER_SEED, exclude)
    for _ in range(n):
        ex = next(stream)
        texts.append(ex["prompt"])
        texts.append(ex["answer"])
    for _ in range(300):
        texts.append(INSTRUCTION)
        texts += ["user\n", "assistant\n", "system\n"]
    # every item as the first token of an answer and after a space
    for w in WORDS + [str(i) for i in range(10, 100)]:
        texts += [w, " " + w] * 3
    return texts


def build_tokenizers(exclude):
    texts = tokenizer_corpus(exclude)
    v, m = bpe.train(texts, QWEN_BPE_VOCAB)
    qtok = bpe.ByteLevelBPE(v, m, QWEN_SPECIALS)
    v, m = bpe.train(texts[::-1], GPT2_BPE_VOCAB)
    gtok = bpe.ByteLevelBPE(v, m, GPT2_SPECIALS)
    return qtok, gtok


def save_tok(tok, path):
    dump_json(path, {"vocab": tok.vocab, "merges": tok.merges, "specials": list(tok.specials)})


def load_tok(path):
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    return bpe.ByteLevelBPE(d["vocab"], [tuple(x) for x in d["merges"]], d["specials"])


# ---------------------------------------------------------------------------
# batching / generation


def make_batch(seqs, pad):
    """seqs: list of (ids, n_prompt). Right padding; labels -100 outside the target."""
    T = max(len(s) for s, _ in seqs)
    ids = torch.full((len(seqs), T), pad, dtype=torch.long)
    labels = torch.full((len(seqs), T), -100, dtype=torch.long)
    for i, (s, n) in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s)
        labels[i, n - 1:len(s) - 1] = torch.tensor(s[n:])
    return ids, labels


def lm_loss(model, ids, labels):
    b, T = ids.shape
    mask = torch.ones_like(ids)
    pos = torch.arange(T).unsqueeze(0).expand(b, T)
    c = model.cfg
    past = [(torch.zeros(b, c.num_key_value_heads, 0, c.head_dim),
             torch.zeros(b, c.num_key_value_heads, 0, c.head_dim)) for _ in range(c.num_hidden_layers)]
    logits, _ = model(ids, mask, pos, past)
    return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1),
                                             ignore_index=-100)


@torch.no_grad()
def generate(model, fmt, prompts, max_new=48, temperature=0.0, gen=None, batch_size=256):
    """Batched (left-padded) KV-cache decoding. Greedy when temperature == 0.
    Returns decoded texts (special tokens skipped)."""
    model.eval()
    out = [None] * len(prompts)
    enc = [fmt.tok.encode(p) for p in prompts]
    order = sorted(range(len(prompts)), key=lambda i: len(enc[i]))
    c = model.cfg
    stops = torch.tensor(fmt.stop_ids)
    for b0 in range(0, len(order), batch_size):
        idx = order[b0:b0 + batch_size]
        es = [enc[i] for i in idx]
        T = max(len(e) for e in es)
        B = len(es)
        ids = torch.tensor([[fmt.pad] * (T - len(e)) + e for e in es])
        mask = torch.tensor([[0] * (T - len(e)) + [1] * len(e) for e in es])
        pos = (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)
        past = [(torch.zeros(B, c.num_key_value_heads, 0, c.head_dim),
                 torch.zeros(B, c.num_key_value_heads, 0, c.head_dim)) for _ in range(c.num_hidden_layers)]
        logits, past = model(ids, mask, pos, past)
        toks = [[] for _ in range(B)]
        done = torch.zeros(B, dtype=torch.bool)
        for step in range(max_new):
            row = logits[:, -1].float()
            if temperature > 0:
                probs = torch.softmax(row / temperature, dim=-1)
                nxt = torch.multinomial(probs, 1, generator=gen).squeeze(1)
            else:
                nxt = row.argmax(-1)
            for i in range(B):
                if not done[i]:
                    toks[i].append(int(nxt[i]))
            done = done | (nxt.unsqueeze(1) == stops).any(1)
            if bool(done.all()) or step == max_new - 1:
                break
            mask = torch.cat([mask, torch.ones(B, 1, dtype=torch.long)], dim=1)
            pos = pos[:, -1:] + 1
            logits, past = model(nxt.unsqueeze(1), mask, pos, past)
        for j, i in enumerate(idx):
            out[i] = fmt.decode(toks[j])
    return out


# ---------------------------------------------------------------------------
# synthetic corruptions of a correct answer (follower training)


def _random_item(rng, ex):
    if ex["family"] in ("reverse_words", "sort_words"):
        return rng.choice(WORDS)
    if rng.random() < 0.6:
        return rng.choice(ex["items"])
    return str(rng.randint(10, 99))


def corrupt(rng, ex):
    ans = ex["answer"].split()
    for _ in range(20):
        a = list(ans)
        for _ in range(1 if rng.random() < 0.65 else 2):
            op = rng.randrange(9)
            n = len(a)
            if op == 0 and n >= 2:                      # swap adjacent
                i = rng.randrange(n - 1)
                a[i], a[i + 1] = a[i + 1], a[i]
            elif op == 1 and n >= 2:                    # swap any two
                i, j = rng.sample(range(n), 2)
                a[i], a[j] = a[j], a[i]
            elif op == 2 and n >= 2:                    # drop one
                del a[rng.randrange(n)]
            elif op == 3 and n >= 1:                    # duplicate one in place
                i = rng.randrange(n)
                a.insert(i, a[i])
            elif op == 4 and n >= 1:                    # replace one
                a[rng.randrange(n)] = _random_item(rng, ex)
            elif op == 5:                               # insert an extra item
                a.insert(rng.randrange(n + 1), _random_item(rng, ex))
            elif op == 6 and n >= 3:                    # truncate
                a = a[:n - rng.randint(1, 2)]
            elif op == 7 and rng.random() < 0.3:        # the input list itself
                a = list(ex["items"])
            elif op == 8 and n >= 3:                    # move one item
                i = rng.randrange(n)
                x = a.pop(i)
                a.insert(rng.randrange(n), x)
        if a != ans:
            return " ".join(a)
    return ""


def cosine_lr(step, total, peak, warmup=100, floor=0.1):
    if step < warmup:
        return peak * (step + 1) / warmup
    p = (step - warmup) / max(1, total - warmup)
    return peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * min(1.0, p))))
