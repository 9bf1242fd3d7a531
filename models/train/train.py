#!/usr/bin/python3
"""Train the demo models of slhf-serve (see models/train-demo.sh).

Stages (each reads/writes models/build/demo-train/ unless said otherwise):
  prep    held-out set (models/eval/heldout.jsonl), verifier cases, both BPE tokenizers
  gpt2    train the GPT-2-style leader; harvest its wrong answers on training prompts
  slhf    train slhf-tiny (one model, leader + follower roles) with periodic harvests of its
          own mistakes (leader drafts and follower outputs) plus the GPT-2 leader's mistakes
  slhf2   phase 2: follower-heavy continuation, a checkpoint every 100 steps (ckpt/)
  select  validates every phase-2 checkpoint (rounds 0..2, own seed, never the held-out set) and
          copies the one that clears the demo targets by the widest margin to slhf.pt
  export  ONNX + HF files into models/demo/slhf-tiny and models/demo/gpt2-leader
  eval    greedy evaluation, rounds 0..4, both leaders -> table + eval.json
"""
import argparse
import json
import os
import random
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

import common as C  # noqa: E402
from common import log  # noqa: E402
import tasks  # noqa: E402
from tasks.suite import load_jsonl  # noqa: E402
from tiny_gpt2 import GPT2Config, TinyGPT2  # noqa: E402
from tiny_qwen import Config, TinyQwen  # noqa: E402

BUILD = os.environ.get("DEMO_TRAIN_BUILD", os.path.join(C.MODELS, "build", "demo-train"))
EVAL_DIR = os.path.join(C.MODELS, "eval")
DEMO = os.environ.get("DEMO_OUT", os.path.join(C.MODELS, "demo"))
HELDOUT = os.path.join(EVAL_DIR, "heldout.jsonl")

GPT2_SEED, SLHF_SEED, HARVEST_SEED = 101, 202, 303

# defaults; the probe overrides step counts on the command line
SLHF_CFG = dict(hidden_size=128, intermediate_size=384, num_hidden_layers=4, num_attention_heads=4,
                num_key_value_heads=2, max_position_embeddings=512)
GPT2_CFG = dict(n_embd=96, n_layer=3, n_head=4, n_positions=256)


def heldout_prompts():
    return {r["prompt"] for r in load_jsonl(HELDOUT)}


# ---------------------------------------------------------------------------
# prep


def verifier_cases():
    """~100 (prompt, candidate, expected) triples over all families."""
    rng = random.Random(99)
    cases = []
    stream = tasks.training_stream(98, set())
    per = {f: 0 for f in tasks.FAMILIES}
    while min(per.values()) < 17:
        ex = next(stream)
        f = ex["family"]
        if per[f] >= 17:
            continue
        k = per[f]
        ans = ex["answer"]
        items = ans.split()
        if k == 0:
            cand = ans
        elif k == 1:
            cand = "  " + ans + "\n"
        elif k == 2:
            cand = ans.replace(" ", "  ")
        elif k == 3:
            cand = "\n".join(items)
        elif k == 4:
            cand = ans + "."
        elif k == 5:
            cand = ", ".join(items)
        elif k == 6:
            cand = ""
        elif k == 7:
            cand = " ".join(items[:-1])
        elif k == 8:
            cand = ans + " " + items[0]
        elif k == 9:
            cand = ans.upper() if f in ("reverse_words", "sort_words") else "The answer is " + ans
        elif k == 10:
            cand = " ".join(ex["items"]) if ex["items"] != items else ans + " " + ans
        else:
            cand = C.corrupt(rng, ex)
        cases.append({"family": f, "prompt": ex["prompt"], "answer": ans, "candidate": cand,
                      "expected": tasks.verify(cand, ans)})
        per[f] += 1
    return cases


def stage_prep(args):
    os.makedirs(BUILD, exist_ok=True)
    held = tasks.make_heldout()
    with open(HELDOUT, "w", encoding="utf-8") as f:
        for r in held:
            f.write(json.dumps({"id": r["id"], "family": r["family"], "prompt": r["prompt"],
                                "answer": r["answer"], "items": r["items"]}, ensure_ascii=False) + "\n")
    log(f"wrote {HELDOUT}: {len(held)} prompts")
    cases = verifier_cases()
    with open(os.path.join(EVAL_DIR, "verifier_cases.jsonl"), "w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    log(f"wrote verifier_cases.jsonl: {len(cases)} cases, {sum(c['expected'] for c in cases)} true")
    excl = {r["prompt"] for r in held}
    # disjointness: every training stream skips held-out prompts; check it explicitly
    for seed in (C.TOKENIZER_SEED, GPT2_SEED, GPT2_SEED + 7, SLHF_SEED, HARVEST_SEED):
        st = tasks.training_stream(seed, excl)
        assert not any(next(st)["prompt"] in excl for _ in range(20000)), seed
    log("held-out prompts are disjoint from the training streams (checked 20000 per stream)")
    t0 = time.time()
    qtok, gtok = C.build_tokenizers(excl)
    C.save_tok(qtok, os.path.join(BUILD, "tok_qwen.json"))
    C.save_tok(gtok, os.path.join(BUILD, "tok_gpt2.json"))
    log(f"tokenizers in {time.time() - t0:.0f}s: qwen {qtok.size} tokens {qtok.specials}; "
        f"gpt2 {gtok.size} tokens {gtok.specials}")
    fq = C.ChatFormat("qwen", qtok)
    ex = held[0]
    for name, fmt in (("qwen", fq), ("gpt2", C.ChatFormat("gpt2", gtok))):
        ids = fmt.tok.encode(fmt.follower_prompt(ex["prompt"], ex["answer"]))
        log(f"  {name}: follower prompt {len(ids)} tokens; instruction "
            f"{len(fmt.tok.encode(C.INSTRUCTION))} tokens; answer {len(fmt.tok.encode(ex['answer']))}")


# ---------------------------------------------------------------------------
# models


def new_slhf(vocab):
    cfg = Config(vocab_size=vocab, **SLHF_CFG)
    m = TinyQwen(cfg, seed=SLHF_SEED)
    g = torch.Generator().manual_seed(SLHF_SEED + 1)
    with torch.no_grad():
        for n, p in m.named_parameters():
            if n.endswith("layernorm") or n == "norm":
                p.fill_(1.0)
            elif n.endswith("_b"):
                p.zero_()
            else:
                std = 0.02
                if n.endswith("o_w") or n.endswith("down_w"):
                    std = 0.02 / (2 * cfg.num_hidden_layers) ** 0.5
                p.copy_(torch.randn(p.shape, generator=g) * std)
    return m


def new_gpt2(vocab):
    return TinyGPT2(GPT2Config(vocab_size=vocab, **GPT2_CFG), seed=GPT2_SEED)


def load_model(kind):
    if kind == "slhf":
        tok = C.load_tok(os.path.join(BUILD, "tok_qwen.json"))
        m = new_slhf(tok.size)
        fmt = C.ChatFormat("qwen", tok)
    else:
        tok = C.load_tok(os.path.join(BUILD, "tok_gpt2.json"))
        m = new_gpt2(tok.size)
        fmt = C.ChatFormat("gpt2", tok)
    m.load_state_dict(torch.load(os.path.join(BUILD, f"{kind}.pt")))
    return m.eval(), fmt


def save_info(**kw):
    p = os.path.join(BUILD, "train_info.json")
    info = {}
    if os.path.exists(p):
        with open(p, encoding="utf-8") as f:
            info = json.load(f)
    info.update(kw)
    C.dump_json(p, info)


def accuracy(exs, outs):
    return sum(tasks.verify(o, e["answer"]) for e, o in zip(exs, outs)) / max(1, len(exs))


# ---------------------------------------------------------------------------
# GPT-2 leader


def stage_gpt2(args):
    torch.manual_seed(GPT2_SEED)
    tok = C.load_tok(os.path.join(BUILD, "tok_gpt2.json"))
    fmt = C.ChatFormat("gpt2", tok)
    model = new_gpt2(tok.size)
    log(f"gpt2-leader: {model.num_parameters():,} parameters, {GPT2_CFG}")
    excl = heldout_prompts()
    stream = tasks.training_stream(GPT2_SEED, excl)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.98), weight_decay=0.01)
    t0 = time.time()
    S = args.gpt2_steps
    for step in range(S):
        model.train()
        for gparam in opt.param_groups:
            gparam["lr"] = C.cosine_lr(step, S, args.lr)
        seqs = []
        for _ in range(args.batch):
            ex = next(stream)
            seqs.append(fmt.encode_pair(fmt.leader_prompt(ex["prompt"]), ex["answer"]))
        ids, labels = C.make_batch(seqs, fmt.pad)
        loss = C.lm_loss(model, ids, labels)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 100 == 0 or step == S - 1:
            log(f"  gpt2 step {step} loss {loss.item():.4f} {time.time() - t0:.0f}s")
    torch.save(model.state_dict(), os.path.join(BUILD, "gpt2.pt"))
    # harvest its mistakes on training prompts (greedy + sampled) for the follower
    hs = tasks.training_stream(GPT2_SEED + 7, excl)
    exs = [next(hs) for _ in range(args.gpt2_harvest)]
    g = torch.Generator().manual_seed(GPT2_SEED)
    outs = C.generate(model, fmt, [fmt.leader_prompt(e["prompt"]) for e in exs], max_new=40)
    log(f"gpt2 greedy accuracy on {len(exs)} training prompts: {accuracy(exs, outs):.3f}")
    half = len(exs) // 2
    souts = C.generate(model, fmt, [fmt.leader_prompt(e["prompt"]) for e in exs[:half]], max_new=40,
                       temperature=0.8, gen=g)
    wrong = []
    for e, o in list(zip(exs, outs)) + list(zip(exs[:half], souts)):
        if not tasks.verify(o, e["answer"]):
            wrong.append({"ex": e, "draft": o})
    gp = os.path.join(BUILD, "gpt2_drafts.jsonl")
    if os.path.exists(gp + ".done"):
        os.remove(gp + ".done")
    with open(gp, "w", encoding="utf-8") as f:
        for w in wrong:
            f.write(json.dumps(w, ensure_ascii=False) + "\n")
    with open(gp + ".done", "w") as f:
        f.write("ok\n")
    log(f"gpt2: {len(wrong)} wrong drafts harvested; total {time.time() - t0:.0f}s")
    save_info(gpt2_seconds=round(time.time() - t0), gpt2_steps=S, batch=args.batch, lr=args.lr,
              gpt2_train_accuracy=round(accuracy(exs, outs), 4), gpt2_wrong_drafts=len(wrong))


# ---------------------------------------------------------------------------
# slhf-tiny


class Harvester:
    def __init__(self, excl, cap, seed):
        self.stream = tasks.training_stream(seed, excl)
        self.gen = torch.Generator().manual_seed(seed)
        self.pool = []
        self.cap = cap

    def harvest(self, model, fmt, n):
        t0 = time.time()
        exs = [next(self.stream) for _ in range(n)]
        lp = [fmt.leader_prompt(e["prompt"]) for e in exs]
        greedy = C.generate(model, fmt, lp, max_new=40)
        sampled = C.generate(model, fmt, lp[:n // 2], max_new=40, temperature=1.0, gen=self.gen)
        acc0 = accuracy(exs, greedy)
        wrong = [(e, o) for e, o in zip(exs, greedy) if not tasks.verify(o, e["answer"])]
        wrong += [(e, o) for e, o in zip(exs, sampled) if not tasks.verify(o, e["answer"])]
        # follower round on the wrong drafts; still-wrong outputs are round-2 drafts
        fo = C.generate(model, fmt, [fmt.follower_prompt(e["prompt"], o) for e, o in wrong], max_new=40)
        fixed = sum(tasks.verify(f, e["answer"]) for (e, _), f in zip(wrong, fo))
        new = [(e, o) for e, o in wrong] + [(e, f) for (e, _), f in zip(wrong, fo)
                                            if not tasks.verify(f, e["answer"])]
        # follower on right greedy drafts: must keep them
        right = [(e, o) for e, o in zip(exs, greedy) if tasks.verify(o, e["answer"])][:n // 4]
        ko = C.generate(model, fmt, [fmt.follower_prompt(e["prompt"], o) for e, o in right], max_new=40)
        kept = sum(tasks.verify(k, e["answer"]) for (e, _), k in zip(right, ko))
        new += [(e, k) for (e, _), k in zip(right, ko) if not tasks.verify(k, e["answer"])]
        self.pool.extend(new)
        self.pool = self.pool[-self.cap:]
        fam = {}
        for e, o in zip(exs, greedy):
            fam.setdefault(e["family"], [0, 0, 0, 0])
            fam[e["family"]][0] += 1
            fam[e["family"]][1] += tasks.verify(o, e["answer"])
        for (e, _), f in zip(wrong, fo):
            fam[e["family"]][2] += 1
            fam[e["family"]][3] += tasks.verify(f, e["answer"])
        log(f"  harvest: leader greedy acc {acc0:.3f}; wrong drafts {len(wrong)}, follower fixed "
            f"{fixed / max(1, len(wrong)):.3f}; kept right {kept}/{len(right)}; pool {len(self.pool)} "
            f"({time.time() - t0:.0f}s)")
        log("    per family (leader acc / follower fix rate): " + ", ".join(
            f"{f} {v[1] / max(1, v[0]):.2f}/{v[3] / max(1, v[2]):.2f}" for f, v in sorted(fam.items())))
        return acc0


CKPT = os.path.join(BUILD, "ckpt")


def save_ckpt(model, step):
    os.makedirs(CKPT, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(CKPT, f"slhf2_{step:05d}.pt"))


def stage_slhf(args):
    torch.manual_seed(SLHF_SEED)
    rng = random.Random(SLHF_SEED)
    tok = C.load_tok(os.path.join(BUILD, "tok_qwen.json"))
    fmt = C.ChatFormat("qwen", tok)
    model = new_slhf(tok.size)
    phase2 = args.stage == "slhf2"
    if phase2:
        # phase 2: continue from phase 1, follower-heavy, harvesting from the first step
        model.load_state_dict(torch.load(os.path.join(BUILD, "slhf_phase1.pt")))
        torch.manual_seed(SLHF_SEED + 2)
        rng = random.Random(SLHF_SEED + 2)
    log(f"slhf-tiny: {model.num_parameters():,} parameters, {SLHF_CFG}, phase {2 if phase2 else 1}")
    excl = heldout_prompts()
    stream = tasks.training_stream(SLHF_SEED + (2 if phase2 else 0), excl)
    gpool = []
    gp = os.path.join(BUILD, "gpt2_drafts.jsonl")
    harv = Harvester(excl, args.pool_cap, HARVEST_SEED + (2 if phase2 else 0))
    lr = args.lr2 if phase2 else args.lr
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.98), weight_decay=0.01)
    S = args.slhf2_steps if phase2 else args.slhf_steps
    h0 = 0 if phase2 else int(S * args.harvest_start)
    if phase2:
        args.leader_batch, args.follower_batch = args.leader_batch2, args.follower_batch2
        args.p_copy, args.p_own, args.p_gpt2 = args.p_copy2, args.p_own2, args.p_gpt22
        args.harvest_every = args.harvest_every2
    # the leader loss is a mean over its own (small) batch, so its weight must be set explicitly:
    # the leader role gets a small share of the gradient in both phases (v3: the leader role's
    # training budget is what keeps its round-0 accuracy in range; labels are never corrupted)
    lw = args.leader_weight2 if phase2 else args.leader_weight
    t0 = time.time()
    if phase2:
        import shutil
        shutil.rmtree(CKPT, ignore_errors=True)  # with its cached validation numbers
        save_ckpt(model, 0)  # the phase-1 model is a candidate too
    counts = {"copy": 0, "synth": 0, "own": 0, "gpt2": 0}
    for step in range(S):
        if step == h0:
            # the GPT-2 leader's mistakes are needed from the first harvest on (waits if the
            # gpt2 stage runs concurrently)
            while not os.path.exists(gp + ".done"):
                time.sleep(10)
            gpool = [(r["ex"], r["draft"]) for r in load_jsonl(gp)]
            log(f"gpt2 drafts: {len(gpool)}")
        if step >= h0 and (step - h0) % args.harvest_every == 0:
            harv.harvest(model, fmt, args.harvest_n)
        model.train()
        for gparam in opt.param_groups:
            gparam["lr"] = C.cosine_lr(step, S, lr, warmup=50 if phase2 else 100)
        lseqs, fseqs = [], []
        for _ in range(args.leader_batch):
            ex = next(stream)
            lseqs.append(fmt.encode_pair(fmt.leader_prompt(ex["prompt"]), ex["answer"]))
        for _ in range(args.follower_batch):
            r = rng.random()
            wc, wo, wg = args.p_copy, (args.p_own if harv.pool else 0.0), (args.p_gpt2 if gpool else 0.0)
            if r < wc:
                ex = next(stream)
                draft, src = ex["answer"], "copy"
            elif r < wc + wo:
                ex, draft = rng.choice(harv.pool[-args.pool_recent:])
                src = "own"
            elif r < wc + wo + wg:
                ex, draft = rng.choice(gpool)
                src = "gpt2"
            else:
                ex = next(stream)
                draft, src = C.corrupt(rng, ex), "synth"
            counts[src] += 1
            fseqs.append(fmt.encode_pair(fmt.follower_prompt(ex["prompt"], draft), ex["answer"]))
        ids, labels = C.make_batch(lseqs, fmt.pad)
        lossl = C.lm_loss(model, ids, labels)
        ids, labels = C.make_batch(fseqs, fmt.pad)
        lossf = C.lm_loss(model, ids, labels)
        loss = lw * lossl + lossf
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 100 == 0 or step == S - 1:
            log(f"  slhf step {step} loss leader {lossl.item():.4f} follower {lossf.item():.4f} "
                f"{time.time() - t0:.0f}s")
        if args.save_every and step > 0 and step % args.save_every == 0:
            torch.save(model.state_dict(), os.path.join(BUILD, "slhf.pt"))
        if phase2 and step + 1 >= args.ckpt_start2 and (step + 1) % args.ckpt_every2 == 0 and step + 1 < S:
            save_ckpt(model, step + 1)
    harv.harvest(model, fmt, args.harvest_n)
    log(f"follower example sources: {counts}")
    torch.save(model.state_dict(), os.path.join(BUILD, "slhf.pt"))
    if phase2:
        save_ckpt(model, S)
    else:
        torch.save(model.state_dict(), os.path.join(BUILD, "slhf_phase1.pt"))
    log(f"slhf-tiny phase {2 if phase2 else 1} trained in {time.time() - t0:.0f}s")
    pre = "slhf2_" if phase2 else "slhf_"
    save_info(**{pre + "seconds": round(time.time() - t0), pre + "steps": S,
                 pre + "leader_batch": args.leader_batch, pre + "follower_batch": args.follower_batch,
                 pre + "harvest_every": args.harvest_every, pre + "follower_sources": counts, pre + "lr": lr,
                 pre + "leader_weight": lw,
                 pre + "p": [args.p_copy, args.p_own, args.p_gpt2],
                 "harvest_start": args.harvest_start, "harvest_n": args.harvest_n})


# ---------------------------------------------------------------------------
# checkpoint selection (v4)
#
# The two roles share weights, so during phase 2 the leader role's accuracy first drops (the
# follower-heavy gradient pulls the shared weights) and then climbs back as the follower role
# learns and the learning rate decays, while the follower role keeps getting better. Which
# phase-2 checkpoint ships is decided on a validation set (its own seed, disjoint from the
# held-out set) by the demo's purpose: a leader that leaves room to refine and a follower that
# visibly fixes it. The held-out set plays no part in the choice.

VALID_SEED = 404


def validation_set(excl, per_family):
    stream = tasks.training_stream(VALID_SEED, excl)
    per = {f: [] for f in tasks.FAMILIES}
    while min(len(v) for v in per.values()) < per_family:
        ex = next(stream)
        if len(per[ex["family"]]) < per_family:
            per[ex["family"]].append(ex)
    return [ex for f in tasks.FAMILIES for ex in per[f]]


def rounds_accuracy(model, fmt, exs, rounds, max_new=48):
    outs = C.generate(model, fmt, [fmt.leader_prompt(e["prompt"]) for e in exs], max_new=max_new)
    scores = [[int(tasks.verify(o, e["answer"])) for e, o in zip(exs, outs)]]
    for _ in range(rounds):
        outs = C.generate(model, fmt, [fmt.follower_prompt(e["prompt"], o) for e, o in zip(exs, outs)],
                          max_new=max_new)
        scores.append([int(tasks.verify(o, e["answer"])) for e, o in zip(exs, outs)])
    acc = [sum(s) / len(exs) for s in scores]
    pref1 = sum(int(a >= b) for a, b in zip(scores[1], scores[0])) / len(exs)
    return acc, pref1


# the demo targets of issue 7 (held-out set, greedy): round 0 in [0.30, 0.80], round 1 >= round 0
# + 0.15, round 4 >= 0.90, no round more than 0.01 below the previous, preference at round 1 >= 0.90
HELDOUT_N = 600


def slack(acc, pref1, n):
    """By how many standard errors a checkpoint's validation numbers clear the targets (the
    smallest margin; negative = misses one). The standard error is that of the difference
    between two independent samples, this validation set and the 600-prompt held-out set, so
    a checkpoint with slack >= 2 should also clear the targets on the held-out set. Round 2
    stands in for round 4 (later rounds change little: the follower keeps answers it wrote)."""
    def se(p):
        p = min(max(p, 0.05), 0.95)
        return (p * (1 - p) * (1 / n + 1 / HELDOUT_N)) ** 0.5
    a0, a1, a2 = acc[0], acc[1], acc[2]
    gain = a1 - a0
    margins = [(0.80 - a0) / se(a0), (a0 - 0.30) / se(a0), (gain - 0.15) / se(gain),
               (min(a1, a2) - 0.90) / se(min(a1, a2)), (pref1 - 0.90) / se(pref1)]
    if a2 < a1 - 0.01:
        margins.append(-1.0)
    return min(margins)


def stage_select(args):
    import glob
    import shutil
    tok = C.load_tok(os.path.join(BUILD, "tok_qwen.json"))
    fmt = C.ChatFormat("qwen", tok)
    exs = validation_set(heldout_prompts(), args.valid_per_family)
    paths = sorted(glob.glob(os.path.join(CKPT, "slhf2_*.pt")))
    if not paths:
        raise SystemExit(f"no phase-2 checkpoints in {CKPT}")
    log(f"validation: {len(exs)} prompts (seed {VALID_SEED}, disjoint from held-out); {len(paths)} checkpoints; "
        f"slack = smallest margin to the targets in standard errors")
    log("| step | r0 | r1 | r2 | gain | pref r1 | slack |")
    log("|---|---|---|---|---|---|---|")
    rows = []
    t0 = time.time()
    for p in paths:
        step = int(os.path.basename(p)[6:11])
        cache = p[:-3] + f".valid{len(exs)}.json"  # a rerun reuses the numbers
        if os.path.exists(cache):
            with open(cache, encoding="utf-8") as f:
                acc, pref1 = json.load(f)
        else:
            model = new_slhf(tok.size)
            model.load_state_dict(torch.load(p))
            acc, pref1 = rounds_accuracy(model.eval(), fmt, exs, 2)
            with open(cache, "w", encoding="utf-8") as f:
                json.dump([acc, pref1], f)
        sl = slack(acc, pref1, len(exs))
        rows.append({"step": step, "accuracy": [round(x, 4) for x in acc], "preference_r1": round(pref1, 4),
                     "slack": round(sl, 2), "path": p})
        log(f"| {step} | {acc[0]:.3f} | {acc[1]:.3f} | {acc[2]:.3f} | {acc[1] - acc[0]:+.3f} | {pref1:.3f} "
            f"| {sl:+.2f} |")
    # the checkpoint that clears every target by the widest margin (ties: the later one)
    best = max(rows, key=lambda r: (r["slack"], r["step"]))
    shutil.copyfile(best["path"], os.path.join(BUILD, "slhf.pt"))
    log(f"selected phase-2 step {best['step']} of {len(rows)}: slack {best['slack']:+.2f} standard errors "
        f"({'clears every target on validation' if best['slack'] > 0 else 'misses a target'}); "
        f"{time.time() - t0:.0f}s")
    save_info(selected_step=best["step"], selected_slack=best["slack"], validation_n=len(exs),
              validation=[{k: v for k, v in r.items() if k != "path"} for r in rows])


# ---------------------------------------------------------------------------
# evaluation


def evaluate(n=None, rounds=4, max_new=48):
    held = load_jsonl(HELDOUT)
    if n:
        held = held[:n] if n >= len(held) else [held[i * len(held) // n] for i in range(n)]
    slhf, fq = load_model("slhf")
    gpt2, fg = load_model("gpt2")
    res = {}
    for name, (lm, lf) in (("slhf-tiny", (slhf, fq)), ("gpt2-leader", (gpt2, fg))):
        t0 = time.time()
        ans = C.generate(lm, lf, [lf.leader_prompt(e["prompt"]) for e in held], max_new=max_new)
        rounds_out = [ans]
        for k in range(rounds):
            ans = C.generate(slhf, fq, [fq.follower_prompt(e["prompt"], a) for e, a in zip(held, ans)],
                             max_new=max_new)
            rounds_out.append(ans)
        scores = [[int(tasks.verify(o, e["answer"])) for e, o in zip(held, outs)] for outs in rounds_out]
        acc = [sum(s) / len(held) for s in scores]
        pref = [sum(int(a >= b) for a, b in zip(s, scores[0])) / len(held) for s in scores]
        fam = {}
        for f in tasks.FAMILIES:
            ii = [i for i, e in enumerate(held) if e["family"] == f]
            fam[f] = [round(sum(s[i] for i in ii) / max(1, len(ii)), 3) for s in scores]
        rows = [{"id": e["id"], "family": e["family"], "leader": name,
                 "rounds": [r[i] for r in rounds_out], "correct": [s[i] for s in scores]}
                for i, e in enumerate(held)]
        res[name] = {"accuracy": [round(a, 4) for a in acc], "preference": [round(p, 4) for p in pref],
                     "rows": rows,
                     "per_family": fam, "seconds": round(time.time() - t0, 1),
                     "examples": [{"prompt": held[i]["prompt"], "answer": held[i]["answer"],
                                   "rounds": [r[i] for r in rounds_out]} for i in range(0, len(held), 97)]}
    return len(held), res


def stage_eval(args):
    n, res = evaluate(args.n)
    log(f"\nheld-out n={n}, greedy, max 48 new tokens; follower = slhf-tiny")
    log("| leader | metric | " + " | ".join(f"round {k}" for k in range(5)) + " |")
    log("|---|---|" + "---|" * 5)
    for name, r in res.items():
        log(f"| {name} | accuracy | " + " | ".join(f"{a:.3f}" for a in r["accuracy"]) + " |")
        log(f"| {name} | preference | " + " | ".join(f"{a:.3f}" for a in r["preference"]) + " |")
    for name, r in res.items():
        for f, a in r["per_family"].items():
            log(f"  {name:12s} {f:14s} " + " ".join(f"{x:.2f}" for x in a))
    for name, r in res.items():
        for ex in r["examples"][:3]:
            log(f"  [{name}] {ex['prompt']} -> {ex['rounds']} (ref {ex['answer']})")
    # per-prompt outputs of every round (Python reference for the Java evaluation / tests)
    with open(os.path.join(EVAL_DIR, "python_rounds.jsonl"), "w", encoding="utf-8") as f:
        for r in res.values():
            for row in r.pop("rows"):
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(os.path.join(BUILD, "eval.json"), "w", encoding="utf-8") as f:
        json.dump({"n": n, "leaders": res}, f, indent=1)
    log(json.dumps({"n": n, "leaders": {k: {"accuracy": v["accuracy"], "preference": v["preference"]}
                                        for k, v in res.items()}}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stage", choices=["prep", "gpt2", "slhf", "slhf2", "select", "export", "eval"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--gpt2-steps", type=int, default=1000)
    ap.add_argument("--gpt2-harvest", type=int, default=6000)
    ap.add_argument("--slhf-steps", type=int, default=2500)
    # v3: the leader role gets a small share of phase 1 (budget choice, labels untouched):
    # v2 used leader batch 24 + follower 40 at leader loss weight 1 (half of the gradient)
    ap.add_argument("--leader-batch", type=int, default=8)
    ap.add_argument("--follower-batch", type=int, default=56)
    ap.add_argument("--leader-weight", type=float, default=0.1)
    ap.add_argument("--harvest-start", type=float, default=0.3)
    ap.add_argument("--harvest-every", type=int, default=200)
    ap.add_argument("--harvest-n", type=int, default=1024)
    ap.add_argument("--pool-cap", type=int, default=40000)
    ap.add_argument("--pool-recent", type=int, default=8000)
    ap.add_argument("--p-copy", type=float, default=0.25)
    ap.add_argument("--p-own", type=float, default=0.40)
    ap.add_argument("--p-gpt2", type=float, default=0.15)
    ap.add_argument("--save-every", type=int, default=500)
    # phase 2 (stage slhf2): follower-heavy continuation of phase 1
    ap.add_argument("--slhf2-steps", type=int, default=3000)
    ap.add_argument("--lr2", type=float, default=1e-3)
    ap.add_argument("--leader-batch2", type=int, default=8)
    ap.add_argument("--follower-batch2", type=int, default=56)
    ap.add_argument("--harvest-every2", type=int, default=100)
    # phase 2 is almost all follower. Weight 0 let the leader role collapse (0.80 -> 0.30 in 300 steps);
    # v3's 0.05 (1500 steps) let it climb back to 0.89 with the follower; v4 uses 0.01 for 3000 steps
    # and ships the checkpoint chosen by `select` (0.02 for 2500 steps peaked at +0.29 standard errors)
    ap.add_argument("--leader-weight2", type=float, default=0.01)
    ap.add_argument("--p-copy2", type=float, default=0.30)
    ap.add_argument("--p-own2", type=float, default=0.45)
    ap.add_argument("--p-gpt22", type=float, default=0.15)
    # v4: phase-2 checkpoints and the validation-based choice among them (stage select)
    ap.add_argument("--ckpt-every2", type=int, default=100)
    ap.add_argument("--ckpt-start2", type=int, default=1000)
    ap.add_argument("--valid-per-family", type=int, default=150)
    ap.add_argument("--n", type=int, default=None)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.stage == "export":
        import export
        export.main(BUILD, DEMO)
        return
    {"prep": stage_prep, "gpt2": stage_gpt2, "slhf": stage_slhf, "slhf2": stage_slhf,
     "select": stage_select, "eval": stage_eval}[args.stage](args)


if __name__ == "__main__":
    main()
