"""A small GPT-2-style decoder (learned absolute position embeddings, pre-LayerNorm,
GELU MLP, full multi-head attention: as many KV heads as heads) with the same forward
signature as tools/tiny_qwen.TinyQwen, so the same export wrapper / decoding code works:

    forward(input_ids [b,s], attention_mask [b,p+s], position_ids [b,s], past list of (k,v)
            [b, heads, p, head_dim]) -> (logits [b,s,V], presents)
"""
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

NEG = torch.finfo(torch.float32).min


@dataclass
class GPT2Config:
    vocab_size: int = 640
    n_embd: int = 96
    n_layer: int = 3
    n_head: int = 4
    n_positions: int = 256
    layer_norm_epsilon: float = 1e-5

    # names the ONNX export wrapper / server code read
    @property
    def num_hidden_layers(self):
        return self.n_layer

    @property
    def num_attention_heads(self):
        return self.n_head

    @property
    def num_key_value_heads(self):
        return self.n_head

    @property
    def hidden_size(self):
        return self.n_embd

    @property
    def max_position_embeddings(self):
        return self.n_positions

    @property
    def head_dim(self):
        return self.n_embd // self.n_head


class TinyGPT2(nn.Module):
    def __init__(self, cfg: GPT2Config, seed: int):
        super().__init__()
        self.cfg = cfg
        g = torch.Generator().manual_seed(seed)
        E = cfg.n_embd

        def lin(out_f, in_f, std=0.02):
            m = nn.Linear(in_f, out_f)
            with torch.no_grad():
                m.weight.copy_(torch.randn(out_f, in_f, generator=g) * std)
                m.bias.zero_()
            return m

        self.wte = nn.Parameter(torch.randn(cfg.vocab_size, E, generator=g) * 0.02)
        self.wpe = nn.Parameter(torch.randn(cfg.n_positions, E, generator=g) * 0.01)
        proj_std = 0.02 / math.sqrt(2 * cfg.n_layer)
        self.h = nn.ModuleList()
        for _ in range(cfg.n_layer):
            L = nn.Module()
            L.ln_1 = nn.LayerNorm(E, eps=cfg.layer_norm_epsilon)
            L.c_attn = lin(3 * E, E)
            L.c_proj = lin(E, E, proj_std)
            L.ln_2 = nn.LayerNorm(E, eps=cfg.layer_norm_epsilon)
            L.c_fc = lin(4 * E, E)
            L.mlp_proj = lin(E, 4 * E, proj_std)
            self.h.append(L)
        self.ln_f = nn.LayerNorm(E, eps=cfg.layer_norm_epsilon)
        # tied input/output embeddings, like GPT-2

    def num_parameters(self):
        return sum(p.numel() for p in self.parameters())

    def forward(self, input_ids, attention_mask, position_ids, past):
        cfg = self.cfg
        H, D, E = cfg.n_head, cfg.head_dim, cfg.n_embd
        bsz, s = input_ids.shape
        t = attention_mask.shape[1]
        pos = position_ids.clamp(0, cfg.n_positions - 1)
        h = F.embedding(input_ids, self.wte) + F.embedding(pos, self.wpe)
        k_idx = torch.arange(t, device=input_ids.device)
        q_idx = torch.arange(s, device=input_ids.device) + (t - s)
        causal = k_idx.unsqueeze(0) <= q_idx.unsqueeze(1)
        allowed = causal.unsqueeze(0).unsqueeze(0) & (attention_mask != 0).unsqueeze(1).unsqueeze(1)
        bias = (~allowed).to(torch.float32) * NEG
        scale = 1.0 / math.sqrt(D)
        presents = []
        for i, L in enumerate(self.h):
            x = L.ln_1(h)
            q, k, v = L.c_attn(x).split(E, dim=-1)
            q = q.view(bsz, s, H, D).transpose(1, 2)
            k = k.view(bsz, s, H, D).transpose(1, 2)
            v = v.view(bsz, s, H, D).transpose(1, 2)
            pk, pv = past[i]
            k = torch.cat((pk, k), dim=2)
            v = torch.cat((pv, v), dim=2)
            presents.append((k, v))
            scores = torch.matmul(q, k.transpose(2, 3)) * scale + bias
            probs = torch.softmax(scores, dim=-1)
            a = torch.matmul(probs, v).transpose(1, 2).reshape(bsz, s, E)
            h = h + L.c_proj(a)
            x = L.ln_2(h)
            h = h + L.mlp_proj(F.gelu(L.c_fc(x)))
        h = self.ln_f(h)
        logits = F.linear(h, self.wte)
        return logits, presents
