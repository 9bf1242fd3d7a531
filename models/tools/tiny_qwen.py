# A small Qwen2-style decoder-only transformer in PyTorch (random weights), with
# export wrappers matching the input/output layout of optimum's
# `text-generation-with-past` ONNX export.
#
# Dependencies (Debian): apt-get install -y python3-torch python3-onnx libopenblas0-pthread
# Run with /usr/bin/python3 (torch 1.13).

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

NEG = torch.finfo(torch.float32).min


@dataclass
class Config:
    vocab_size: int = 512
    hidden_size: int = 64
    intermediate_size: int = 192
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    num_key_value_heads: int = 2
    max_position_embeddings: int = 1024
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-6
    # init scale: weights ~ N(0, (gain / sqrt(fan_in))^2)
    gain: float = 1.0
    lm_head_gain: float = 3.0
    embed_std: float = 1.0
    # > 0: only the first real_vocab rows are real tokens; the rest pad the embedding and output
    # matrices to vocab_size (as Qwen pads 151,665 tokens to 151,936) and get a -1e4 logit bias
    # so they are never generated
    real_vocab: int = 0

    @property
    def head_dim(self):
        return self.hidden_size // self.num_attention_heads


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class TinyQwen(nn.Module):
    """Qwen2 architecture: embed -> N x [RMSNorm, GQA attention with RoPE (q/k/v
    bias, no o bias), residual, RMSNorm, SwiGLU MLP, residual] -> RMSNorm -> lm_head."""

    def __init__(self, cfg: Config, seed: int):
        super().__init__()
        self.cfg = cfg
        g = torch.Generator().manual_seed(seed)
        H, KV, D, E, I = (cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim,
                          cfg.hidden_size, cfg.intermediate_size)

        def w(out_f, in_f, gain=cfg.gain):
            return nn.Parameter(torch.randn(out_f, in_f, generator=g) * (gain / math.sqrt(in_f)))

        def b(n, std=0.1):
            return nn.Parameter(torch.randn(n, generator=g) * std)

        def norm_w(n):
            return nn.Parameter(1.0 + 0.1 * torch.randn(n, generator=g))

        self.embed_tokens = nn.Parameter(torch.randn(cfg.vocab_size, E, generator=g) * cfg.embed_std)
        self.layers = nn.ModuleList()
        for _ in range(cfg.num_hidden_layers):
            L = nn.Module()
            L.input_layernorm = norm_w(E)
            L.q_w, L.q_b = w(H * D, E), b(H * D)
            L.k_w, L.k_b = w(KV * D, E), b(KV * D)
            L.v_w, L.v_b = w(KV * D, E), b(KV * D)
            L.o_w = w(E, H * D)
            L.post_attention_layernorm = norm_w(E)
            L.gate_w = w(I, E)
            L.up_w = w(I, E)
            L.down_w = w(E, I)
            self.layers.append(L)
        self.norm = norm_w(E)
        self.lm_head = w(cfg.vocab_size, E, gain=cfg.lm_head_gain)
        inv_freq = 1.0 / (cfg.rope_theta ** (torch.arange(0, D, 2, dtype=torch.int64).float() / D))
        self.register_buffer("inv_freq", inv_freq, persistent=False)
        if cfg.real_vocab:
            pad = torch.zeros(cfg.vocab_size)
            pad[cfg.real_vocab:] = -1e4
            self.register_buffer("pad_bias", pad, persistent=False)
        else:
            self.pad_bias = None

    def num_parameters(self):
        return sum(p.numel() for p in self.parameters())

    def rms(self, x, weight):
        var = x.pow(2).mean(-1, keepdim=True)
        return x * torch.rsqrt(var + self.cfg.rms_norm_eps) * weight

    def forward(self, input_ids, attention_mask, position_ids, past):
        """input_ids/position_ids: int64 [b, s]; attention_mask: int64 [b, p + s]
        (0 = padding, anywhere); past: list of (key, value) fp32 [b, kv, p, d].
        Returns (logits fp32 [b, s, V], list of (key, value) [b, kv, p + s, d])."""
        cfg = self.cfg
        H, KV, D = cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim
        rep = H // KV
        bsz = input_ids.shape[0]
        s = input_ids.shape[1]
        t = attention_mask.shape[1]

        h = F.embedding(input_ids, self.embed_tokens)

        # rotary tables from explicit positions
        freqs = position_ids.to(torch.float32).unsqueeze(-1) * self.inv_freq  # [b, s, d/2]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos = emb.cos().unsqueeze(1)  # [b, 1, s, d]
        sin = emb.sin().unsqueeze(1)

        # causal + padding mask as an additive bias (finite: no NaN on fully masked rows)
        k_idx = torch.arange(t, device=input_ids.device)
        q_idx = torch.arange(s, device=input_ids.device) + (t - s)
        causal = k_idx.unsqueeze(0) <= q_idx.unsqueeze(1)  # [s, t]
        allowed = causal.unsqueeze(0).unsqueeze(0) & (attention_mask != 0).unsqueeze(1).unsqueeze(1)
        bias = (~allowed).to(torch.float32) * NEG  # [b, 1, s, t]
        scale = 1.0 / math.sqrt(D)

        presents = []
        for i, L in enumerate(self.layers):
            x = self.rms(h, L.input_layernorm)
            q = F.linear(x, L.q_w, L.q_b).view(bsz, s, H, D).transpose(1, 2)
            k = F.linear(x, L.k_w, L.k_b).view(bsz, s, KV, D).transpose(1, 2)
            v = F.linear(x, L.v_w, L.v_b).view(bsz, s, KV, D).transpose(1, 2)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            pk, pv = past[i]
            k = torch.cat((pk, k), dim=2)
            v = torch.cat((pv, v), dim=2)
            presents.append((k, v))
            if rep > 1:  # GQA: expand + reshape (repeat_interleave mis-exports in torch 1.13)
                k = k.unsqueeze(2).expand(-1, -1, rep, -1, -1).reshape(bsz, H, t, D)
                v = v.unsqueeze(2).expand(-1, -1, rep, -1, -1).reshape(bsz, H, t, D)
            scores = torch.matmul(q, k.transpose(2, 3)) * scale + bias
            probs = torch.softmax(scores, dim=-1)
            a = torch.matmul(probs, v).transpose(1, 2).reshape(bsz, s, H * D)
            h = h + F.linear(a, L.o_w)
            x = self.rms(h, L.post_attention_layernorm)
            h = h + F.linear(F.silu(F.linear(x, L.gate_w)) * F.linear(x, L.up_w), L.down_w)
        h = self.rms(h, self.norm)
        logits = F.linear(h, self.lm_head)
        if self.pad_bias is not None:
            logits = logits + self.pad_bias
        return logits, presents


def positions_from_mask(attention_mask, s):
    """HF convention: cumsum(mask) - 1, padding positions set to 1, last s columns."""
    pos = attention_mask.cumsum(-1) - 1
    pos = pos.masked_fill(attention_mask == 0, 1)
    t = attention_mask.shape[1]
    return pos[:, t - s:]


class ExportWrapper(nn.Module):
    """Flat-signature wrapper for torch.onnx.export.

    variant: "fp32"   -> (input_ids, attention_mask, position_ids, *past) fp32 KV/logits
             "fp16"   -> same inputs, KV and logits float16 at the graph boundary
             "nopos"  -> (input_ids, attention_mask, *past), positions derived from the mask
    """

    def __init__(self, model: TinyQwen, variant: str):
        super().__init__()
        self.model = model
        self.variant = variant

    def forward(self, input_ids, attention_mask, *rest):
        if self.variant == "nopos":
            position_ids = positions_from_mask(attention_mask, input_ids.shape[1])
            flat = rest
        else:
            position_ids = rest[0]
            flat = rest[1:]
        if self.variant == "fp16":
            flat = [x.float() for x in flat]
        past = [(flat[2 * i], flat[2 * i + 1]) for i in range(len(flat) // 2)]
        logits, presents = self.model(input_ids, attention_mask, position_ids, past)
        out = [logits]
        for k, v in presents:
            out += [k, v]
        if self.variant == "fp16":
            out = [x.half() for x in out]
        return tuple(out)

    def io_names(self):
        n = self.model.cfg.num_hidden_layers
        ins = ["input_ids", "attention_mask"] + ([] if self.variant == "nopos" else ["position_ids"])
        outs = ["logits"]
        for i in range(n):
            ins += [f"past_key_values.{i}.key", f"past_key_values.{i}.value"]
            outs += [f"present.{i}.key", f"present.{i}.value"]
        return ins, outs

    def dynamic_axes(self):
        ins, outs = self.io_names()
        ax = {
            "input_ids": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
            "logits": {0: "batch_size", 1: "sequence_length"},
        }
        if "position_ids" in ins:
            ax["position_ids"] = {0: "batch_size", 1: "sequence_length"}
        for n in ins:
            if n.startswith("past_key_values"):
                ax[n] = {0: "batch_size", 2: "past_sequence_length"}
        for n in outs:
            if n.startswith("present"):
                ax[n] = {0: "batch_size", 2: "past_sequence_length + sequence_length"}
        return ax

    def kv_dtype(self):
        return torch.float16 if self.variant == "fp16" else torch.float32

    def empty_past(self, bsz, p=0):
        c = self.model.cfg
        return [torch.zeros(bsz, c.num_key_value_heads, p, c.head_dim, dtype=self.kv_dtype())
                for _ in range(2 * c.num_hidden_layers)]

    def run(self, input_ids, attention_mask, position_ids=None, past_flat=None):
        """Call like ONNX Runtime would: returns (logits, flat presents)."""
        if past_flat is None:
            past_flat = self.empty_past(input_ids.shape[0])
        args = [input_ids, attention_mask] + ([] if self.variant == "nopos" else [position_ids])
        out = self.forward(*args, *past_flat)
        return out[0], list(out[1:])
