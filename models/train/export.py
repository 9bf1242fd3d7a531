"""Export the trained demo models to models/demo/ in the optimum text-generation-with-past
layout (same ONNX contract as tools/make_test_model.py)."""
import os
import sys
import time

sys.dont_write_bytecode = True
import torch  # noqa: E402

import common as C  # noqa: E402
from common import log  # noqa: E402
import make_test_model as M  # noqa: E402  (tools/, on sys.path via common)
from tiny_qwen import ExportWrapper  # noqa: E402


def gpt2_config_json(cfg, tok):
    return {
        "activation_function": "gelu",
        "architectures": ["GPT2LMHeadModel"],
        "bos_token_id": tok.specials["<|endoftext|>"],
        "eos_token_id": tok.specials["<|end|>"],
        "hidden_size": cfg.n_embd,
        "layer_norm_epsilon": cfg.layer_norm_epsilon,
        "max_position_embeddings": cfg.n_positions,
        "model_type": "gpt2",
        "n_ctx": cfg.n_positions,
        "n_embd": cfg.n_embd,
        "n_head": cfg.n_head,
        "n_inner": 4 * cfg.n_embd,
        "n_layer": cfg.n_layer,
        "n_positions": cfg.n_positions,
        "num_attention_heads": cfg.n_head,
        "num_hidden_layers": cfg.n_layer,
        "num_key_value_heads": cfg.n_head,
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
        "transformers_version": "4.45.0",
        "use_cache": True,
        "vocab_size": cfg.vocab_size,
    }


def gpt2_generation_config(tok):
    return {
        "bos_token_id": tok.specials["<|endoftext|>"],
        "do_sample": False,
        "eos_token_id": [tok.specials["<|end|>"], tok.specials["<|endoftext|>"]],
        "pad_token_id": tok.specials["<|endoftext|>"],
        "transformers_version": "4.45.0",
    }


@torch.no_grad()
def check_kv(wrapper, fmt, prompt, steps=12):
    """KV-cache greedy == full-recompute greedy through the export wrapper."""
    ids = fmt.tok.encode(fmt.leader_prompt(prompt))
    a, _ = M.greedy_full(wrapper, ids, steps)
    b, _ = M.greedy_cached(wrapper, ids, steps)
    assert a == b, (a, b)
    return fmt.decode(a)


def main(build, demo):
    import train as T
    slhf, fq = T.load_model("slhf")
    gpt2, fg = T.load_model("gpt2")
    out = os.path.join(demo, "slhf-tiny")
    w = M.write_model_dir(out, slhf, "fp32", fq.tok)
    log("  slhf-tiny check:", repr(check_kv(w, fq, "Sort these numbers from smallest to largest: 42 7 19 33 85")))
    out = os.path.join(demo, "gpt2-leader")
    os.makedirs(out, exist_ok=True)
    w = ExportWrapper(gpt2, "fp32").eval()
    t0 = time.time()
    M.export_onnx(w, os.path.join(out, "model.onnx"))
    log(f"  exported {out}/model.onnx in {time.time() - t0:.1f}s")
    C.dump_json(os.path.join(out, "config.json"), gpt2_config_json(gpt2.cfg, fg.tok))
    C.dump_json(os.path.join(out, "generation_config.json"), gpt2_generation_config(fg.tok))
    C.dump_json(os.path.join(out, "tokenizer.json"), fg.tok.tokenizer_json())
    C.dump_json(os.path.join(out, "tokenizer_config.json"), C.gpt2_tokenizer_config(fg.tok, gpt2.cfg.n_positions))
    log("  gpt2-leader check:", repr(check_kv(w, fg, "Sort these numbers from smallest to largest: 42 7 19 33 85")))
