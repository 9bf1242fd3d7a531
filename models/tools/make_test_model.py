#!/usr/bin/python3
"""Generate small random-weight Qwen2-style ONNX models (+ HF tokenizer files)
laid out like optimum's `text-generation-with-past` export, and the golden
reference used by the Java tests.

Dependencies (Debian packages, no PyPI needed):
    apt-get install -y python3-torch python3-onnx libopenblas0-pthread python3-regex
Run with the Debian interpreter /usr/bin/python3 (torch 1.13, onnx 1.12):
    /usr/bin/python3 models/tools/make_test_model.py --preset fixtures --out src/test/resources/fixture
    /usr/bin/python3 models/tools/make_test_model.py --preset bench-25m --out models/build/bench-25m
    /usr/bin/python3 models/tools/make_test_model.py --preset tiny --out /tmp/tiny-qwen

Presets:
  fixtures   tiny-qwen, tiny-qwen-fp16, tiny-qwen-nopos and golden.json under --out
  tiny       just the fp32 tiny-qwen model directory at --out
  bench-25m  a ~25M-parameter fp32 model (with position_ids) at --out
Everything is deterministic (fixed seeds, pure-Python BPE training).
"""

import argparse
import json
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import onnx  # noqa: E402
import torch  # noqa: E402

import bpe  # noqa: E402
import corpus  # noqa: E402
from tiny_qwen import Config, ExportWrapper, TinyQwen  # noqa: E402

OPSET = 14
BPE_VOCAB = 509           # 256 bytes + 253 merges; + 3 specials = 512
TINY_SEED = 1234
BENCH_SEED = 2024
GOLDEN_STEPS = 40
MAIN_MIN_MARGIN = 2e-3    # every greedy step of every main golden case must beat this
FP16_MIN_MARGIN = 0.03    # fp16 variant cases are truncated before the first step below this
VARIANT_MIN_TOKENS = 10

PRESETS = {
    "tiny": dict(cfg=Config(), seed=TINY_SEED),
    "bench-25m": dict(cfg=Config(hidden_size=512, intermediate_size=1536, num_hidden_layers=8,
                                 num_attention_heads=8, num_key_value_heads=2,
                                 max_position_embeddings=4096), seed=BENCH_SEED),
    # Qwen2.5-0.5B-Instruct's shape (2.5 GB fp32 with an untied head, so external data): random
    # weights, the fixtures' 512-token tokenizer, rows padded to Qwen's 151,936
    "qwen2.5-0.5b": dict(cfg=Config(vocab_size=151936, hidden_size=896, intermediate_size=4864,
                                    num_hidden_layers=24, num_attention_heads=14, num_key_value_heads=2,
                                    max_position_embeddings=4096, rope_theta=1000000.0, real_vocab=512,
                                    embed_std=0.02), seed=BENCH_SEED),
}


def log(*a):
    print(*a, flush=True)


# ---------------------------------------------------------------------------
# files


def dump_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(obj, indent=2, ensure_ascii=False))
        f.write("\n")


def compact_json(obj, indent=0):
    """JSON with lists of scalars kept on one line (keeps golden.json readable)."""
    pad = "  " * indent
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f'{pad}  {json.dumps(k, ensure_ascii=False)}: {compact_json(v, indent + 1)}'
                 for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list):
        if all(not isinstance(x, (dict, list)) for x in obj):
            return json.dumps(obj, ensure_ascii=False)
        items = [pad + "  " + compact_json(x, indent + 1) for x in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(obj, ensure_ascii=False)


def config_json(cfg: Config, tok: bpe.ByteLevelBPE, dtype: str):
    return {
        "architectures": ["Qwen2ForCausalLM"],
        "attention_dropout": 0.0,
        "bos_token_id": tok.specials["<|endoftext|>"],
        "eos_token_id": tok.specials["<|im_end|>"],
        "hidden_act": "silu",
        "hidden_size": cfg.hidden_size,
        "initializer_range": 0.02,
        "intermediate_size": cfg.intermediate_size,
        "max_position_embeddings": cfg.max_position_embeddings,
        "max_window_layers": cfg.num_hidden_layers,
        "model_type": "qwen2",
        "num_attention_heads": cfg.num_attention_heads,
        "num_hidden_layers": cfg.num_hidden_layers,
        "num_key_value_heads": cfg.num_key_value_heads,
        "rms_norm_eps": cfg.rms_norm_eps,
        "rope_scaling": None,
        "rope_theta": cfg.rope_theta,
        "sliding_window": None,
        "tie_word_embeddings": False,
        "torch_dtype": dtype,
        "transformers_version": "4.45.0",
        "use_cache": True,
        "use_sliding_window": False,
        "vocab_size": cfg.vocab_size,
    }


def generation_config_json(tok):
    return {
        "bos_token_id": tok.specials["<|endoftext|>"],
        "do_sample": False,
        "eos_token_id": [tok.specials["<|im_end|>"], tok.specials["<|endoftext|>"]],
        "pad_token_id": tok.specials["<|endoftext|>"],
        "transformers_version": "4.45.0",
    }


def export_onnx(wrapper: ExportWrapper, path):
    cfg = wrapper.model.cfg
    b, s, p = 2, 3, 4  # distinct, non-1 dummy sizes; all dims are declared dynamic
    g = torch.Generator().manual_seed(0)
    input_ids = torch.randint(0, cfg.vocab_size, (b, s), generator=g)
    attention_mask = torch.ones(b, p + s, dtype=torch.int64)
    attention_mask[1, :2] = 0
    position_ids = torch.arange(p, p + s).unsqueeze(0).expand(b, s).contiguous()
    past = [torch.randn(b, cfg.num_key_value_heads, p, cfg.head_dim, generator=g).to(wrapper.kv_dtype())
            for _ in range(2 * cfg.num_hidden_layers)]
    args = [input_ids, attention_mask] + ([] if wrapper.variant == "nopos" else [position_ids]) + past
    ins, outs = wrapper.io_names()
    with torch.no_grad():
        torch.onnx.export(wrapper, tuple(args), path, input_names=ins, output_names=outs,
                          dynamic_axes=wrapper.dynamic_axes(), opset_version=OPSET,
                          do_constant_folding=True, verbose=False)
    check_onnx(path, wrapper)


def check_onnx(path, wrapper):
    if wrapper.model.num_parameters() * 4 < 2**31 - 2**28:  # fits protobuf's 2 GB: one file
        m = onnx.load(path)
        onnx.checker.check_model(m)
        inferred = onnx.shape_inference.infer_shapes(m)
    else:
        # over protobuf's 2 GB: the weights live in external data, so check and infer by path
        onnx.checker.check_model(path)
        m = onnx.load(path, load_external_data=False)
        inferred_path = path + ".inferred"
        onnx.shape_inference.infer_shapes_path(path, inferred_path)
        inferred = onnx.load(inferred_path, load_external_data=False)
        os.remove(inferred_path)
    ins, outs = wrapper.io_names()
    got_in = [i.name for i in inferred.graph.input]
    got_out = [o.name for o in inferred.graph.output]
    assert got_in == ins, (got_in, ins)
    assert got_out == outs, (got_out, outs)
    f = onnx.TensorProto.FLOAT16 if wrapper.variant == "fp16" else onnx.TensorProto.FLOAT
    for vi in list(inferred.graph.input) + list(inferred.graph.output):
        et = vi.type.tensor_type.elem_type
        if vi.name in ("input_ids", "attention_mask", "position_ids"):
            assert et == onnx.TensorProto.INT64, vi
        else:
            assert et == f, vi
    # batch / sequence / past dims of every graph input and output must be symbolic
    for vi in list(m.graph.input) + list(m.graph.output):
        dims = vi.type.tensor_type.shape.dim
        assert dims[0].dim_param == "batch_size", vi
        if vi.name.startswith(("past", "present")):
            assert dims[2].dim_param, vi
        else:
            assert dims[1].dim_param, vi


def write_model_dir(out_dir, model: TinyQwen, variant, tok: bpe.ByteLevelBPE):
    os.makedirs(out_dir, exist_ok=True)
    wrapper = ExportWrapper(model, variant).eval()
    t0 = time.time()
    export_onnx(wrapper, os.path.join(out_dir, "model.onnx"))
    log(f"  exported {out_dir}/model.onnx ({variant}) in {time.time() - t0:.1f}s")
    dump_json(os.path.join(out_dir, "config.json"),
              config_json(model.cfg, tok, "float16" if variant == "fp16" else "float32"))
    dump_json(os.path.join(out_dir, "generation_config.json"), generation_config_json(tok))
    dump_json(os.path.join(out_dir, "tokenizer.json"), tok.tokenizer_json())
    dump_json(os.path.join(out_dir, "tokenizer_config.json"),
              tok.tokenizer_config_json(model.cfg.max_position_embeddings))
    return wrapper


# ---------------------------------------------------------------------------
# reference decoding (PyTorch)


def top2_margin(logits_row):
    v = logits_row.float().topk(2).values
    return (v[0] - v[1]).item()


@torch.no_grad()
def greedy_full(wrapper: ExportWrapper, prompt_ids, steps):
    """Greedy decoding by FULL recomputation every step (no KV cache)."""
    ids = list(prompt_ids)
    out, margins = [], []
    for _ in range(steps):
        x = torch.tensor([ids])
        n = x.shape[1]
        logits, _ = wrapper.run(x, torch.ones_like(x), torch.arange(n).unsqueeze(0))
        row = logits[0, -1].float()
        nxt = int(row.argmax())
        margins.append(top2_margin(row))
        out.append(nxt)
        ids.append(nxt)
    return out, margins


@torch.no_grad()
def greedy_cached(wrapper: ExportWrapper, prompt_ids, steps):
    """Greedy decoding with the KV cache fed back through the graph boundary
    (same dtype round trip as ONNX Runtime would do)."""
    x = torch.tensor([prompt_ids])
    n = x.shape[1]
    mask = torch.ones_like(x)
    logits, past = wrapper.run(x, mask, torch.arange(n).unsqueeze(0))
    out, margins = [], []
    for step in range(steps):
        row = logits[0, -1].float()
        nxt = int(row.argmax())
        margins.append(top2_margin(row))
        out.append(nxt)
        if step == steps - 1:
            break
        mask = torch.ones(1, n + step + 1, dtype=torch.int64)
        logits, past = wrapper.run(torch.tensor([[nxt]]), mask, torch.tensor([[n + step]]), past)
    return out, margins


def eos_index(ids, tok):
    stops = {tok.specials["<|im_end|>"], tok.specials["<|endoftext|>"]}
    for i, t in enumerate(ids):
        if t in stops:
            return i
    return None


@torch.no_grad()
def batch_check(wrapper: ExportWrapper, prompts, tok, steps=6):
    """Left-padded batch (mask 0 on pads, positions from 0 at the first real token)
    must give the same last-position logits and the same greedy tokens (with KV cache)
    as running each prompt alone."""
    pad = tok.specials["<|endoftext|>"]
    enc = [tok.encode(p) for p in prompts]
    T = max(len(e) for e in enc)
    ids = torch.tensor([[pad] * (T - len(e)) + e for e in enc])
    mask = torch.tensor([[0] * (T - len(e)) + [1] * len(e) for e in enc])
    pos = (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)
    logits, past = wrapper.run(ids, mask, pos)
    tokens = [[] for _ in enc]
    for step in range(steps):
        for i, e in enumerate(enc):
            if step == 0:
                x = torch.tensor([e])
                ref, _ = wrapper.run(x, torch.ones_like(x), torch.arange(len(e)).unsqueeze(0))
                d = (ref[0, -1].float() - logits[i, -1].float()).abs().max().item()
                tol = 2e-2 if wrapper.variant == "fp16" else 1e-4
                assert d < tol, f"batch_check: padded vs unpadded logits differ by {d}"
            tokens[i].append(int(logits[i, -1].float().argmax()))
        nxt = torch.tensor([[t[-1]] for t in tokens])
        mask = torch.cat([mask, torch.ones(len(enc), 1, dtype=torch.int64)], dim=1)
        pos = pos[:, -1:] + 1
        logits, past = wrapper.run(nxt, mask, pos, past)
    for i, e in enumerate(enc):
        alone, _ = greedy_full(wrapper, e, steps)
        assert alone == tokens[i], f"batch_check: batched greedy {tokens[i]} != alone {alone}"
    return [len(e) for e in enc]


# ---------------------------------------------------------------------------
# golden


def golden_prompts(tok):
    long_text, i = "", 0
    while len(tok.encode(long_text)) < 660:
        long_text += ("" if not long_text else " ") + corpus.LONG_SENTENCES[i % len(corpus.LONG_SENTENCES)]
        i += 1
    chat_messages = [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "What is the capital of France? Answer in one short sentence."},
    ]
    p = [
        dict(name="tiny", text="Hello, world!"),
        dict(name="short", text="Once upon a time there was a little robot."),
        dict(name="medium_unicode", text=(
            "The café on the corner serves coffee. A naïve robot paid $4.99 and said: "
            "日本語 is hard, emoji 🙂 are easy! Then it walked to Zürich.")),
        dict(name="paragraph", text=" ".join(corpus.CORPUS[18:22])),
        dict(name="chat", text=bpe.render_chatml(chat_messages), messages=chat_messages),
        dict(name="long", text=long_text),
        dict(name="cjk_emoji", text="日本語のテキスト 🙂👍 東京"),
    ]
    return p


def tokenizer_cases():
    return [
        "Hello, world!",
        "",
        " ",
        "  leading spaces and   multiple   spaces  ",
        "trailing space ",
        "line1\nline2\n\n\ttabbed\r\nwindows",
        "    def add(a, b):\n        return a + b\n",
        "The year 2024 had 366 days; 3.14159 is pi and 1234567890 is long.",
        "Punctuation!?... (parens) [brackets] {braces} \"quotes\" it's we'll I'm they're you've I'd",
        "café naïve résumé Crème brûlée Zürich São Paulo",
        "ÀÉÎÕÜ ñ ç ß Ελληνικά Русский",
        "日本語のテキストを書きます。東京",
        "emoji 🙂👍🎉 party 🙂",
        "<|im_start|>user\nHi there!<|im_end|>\n<|im_start|>assistant\n",
        "text<|endoftext|>more text<|im_end|>",
        "<|im_start|><|im_end|><|endoftext|>",
        "<|im_start|notspecial|> <| im_end |>",
        "What is the capital of France? The capital of France is Paris.",
    ]


def build_golden(tok, wrappers):
    fp32 = wrappers["tiny-qwen"]
    cases = []
    for p in golden_prompts(tok):
        ids = tok.encode(p["text"])
        cont, margins = greedy_full(fp32, ids, GOLDEN_STEPS)
        cached, _ = greedy_cached(fp32, ids, GOLDEN_STEPS)
        assert cached == cont, f"{p['name']}: KV-cache decoding {cached} != full recompute {cont}"
        mm = min(margins)
        log(f"  case {p['name']:15s} prompt {len(ids):4d} tokens, min top2 margin {mm:.4f}")
        assert mm >= MAIN_MIN_MARGIN, f"{p['name']}: margin {mm} too small; change seed/prompt"
        c = dict(name=p["name"], text=p["text"])
        if "messages" in p:
            c["messages"] = p["messages"]
        c.update(prompt_ids=ids, continuation_ids=cont, min_top2_margin=round(mm, 6),
                 eos_index=eos_index(cont, tok))
        cases.append(c)

    variants = {}
    for vname in ("tiny-qwen-fp16", "tiny-qwen-nopos"):
        w = wrappers[vname]
        vcases = []
        for c in cases:
            ids = c["prompt_ids"]
            cont, margins = greedy_full(w, ids, GOLDEN_STEPS)
            cached, cmargins = greedy_cached(w, ids, GOLDEN_STEPS)
            n = len(cont)
            if vname.endswith("fp16"):
                # keep the prefix on which both methods agree and every margin is safe for fp16
                n = 0
                while (n < len(cont) and cont[n] == cached[n]
                       and min(margins[n], cmargins[n]) >= FP16_MIN_MARGIN):
                    n += 1
                if n < VARIANT_MIN_TOKENS:
                    log(f"  {vname} {c['name']}: only {n} safe tokens, skipped")
                    continue
            else:
                assert cached == cont, f"{vname} {c['name']}: cached != full"
                assert min(margins) >= MAIN_MIN_MARGIN, f"{vname} {c['name']}: margin {min(margins)}"
            mm = min(min(margins[:n]), min(cmargins[:n]))
            log(f"  {vname} {c['name']:15s} {n} tokens, min margin {mm:.4f}")
            vcases.append(dict(name=c["name"], text=c["text"], prompt_ids=ids,
                               continuation_ids=cont[:n], min_top2_margin=round(mm, 6),
                               eos_index=eos_index(cont[:n], tok)))
        variants[vname] = vcases
        assert len(vcases) >= 3, f"{vname}: too few golden cases"

    bc = ["Hello, world!", "The café on the corner serves coffee and croissants, and the robot likes it."]
    for vname in ("tiny-qwen", "tiny-qwen-fp16", "tiny-qwen-nopos"):
        lens = batch_check(wrappers[vname], bc, tok)
        log(f"  batch_check {vname}: left-padded batch of {lens} OK")

    tcases = []
    for t in tokenizer_cases():
        ids = tok.encode(t)
        assert tok.decode(ids) == t
        tcases.append(dict(text=t, ids=ids))

    cfg = fp32.model.cfg
    return {
        "model": "tiny-qwen",
        "description": "Greedy continuations computed in PyTorch fp32 by full recomputation (no KV cache), "
                       "not stopping at eos. eos_index = index of the first eos token in continuation_ids "
                       "(null if none). See models/tools/make_test_model.py.",
        "steps": GOLDEN_STEPS,
        "special_tokens": dict(tok.specials),
        "vocab_size": cfg.vocab_size,
        "cases": cases,
        "tokenizer_cases": tcases,
        "variants": variants,
    }


# ---------------------------------------------------------------------------


def build_tokenizer():
    vocab, merges = bpe.train(corpus.training_texts(), BPE_VOCAB)
    tok = bpe.ByteLevelBPE(vocab, merges)
    assert tok.size == 512, tok.size
    return tok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", choices=["fixtures", "tiny", "bench-25m", "qwen2.5-0.5b"], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    tok = build_tokenizer()
    log(f"tokenizer: {tok.size} tokens, {len(tok.merges)} merges, specials {tok.specials}")

    if args.preset in ("tiny", "bench-25m", "qwen2.5-0.5b"):
        pr = PRESETS[args.preset]
        model = TinyQwen(pr["cfg"], pr["seed"]).eval()
        log(f"{args.preset}: {pr['cfg']}")
        log(f"{args.preset}: {model.num_parameters():,} parameters")
        write_model_dir(args.out, model, "fp32", tok)
        return

    pr = PRESETS["tiny"]
    model = TinyQwen(pr["cfg"], pr["seed"]).eval()
    log(f"tiny-qwen: {pr['cfg']}")
    log(f"tiny-qwen: {model.num_parameters():,} parameters")
    wrappers = {}
    for name, variant in (("tiny-qwen", "fp32"), ("tiny-qwen-fp16", "fp16"), ("tiny-qwen-nopos", "nopos")):
        wrappers[name] = write_model_dir(os.path.join(args.out, name), model, variant, tok)
    golden = build_golden(tok, wrappers)
    with open(os.path.join(args.out, "golden.json"), "w", encoding="utf-8") as f:
        f.write(compact_json(golden))
        f.write("\n")
    log(f"wrote {os.path.join(args.out, 'golden.json')}")


if __name__ == "__main__":
    main()
