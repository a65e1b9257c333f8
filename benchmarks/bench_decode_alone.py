"""Benchmark: does a solution decode the same alone as in a batch? Side by side in one run, on stored solutions.

    .venv/bin/python benchmarks/bench_decode_alone.py [--store runs/store] [--model smollm2-135m] [--texts shakespeare/] [--batch 16]
        [--out figures/bench_decode_alone.md]

A fit evaluates its problems in batches, while a solution is decoded (and its accuracy recorded) alone, one problem per
forward pass (`onestep.core.decode`). Where a kernel rounds a row differently at another batch size, the two can
disagree on a near tie, and a fit's solutions sit on near ties: it stops as soon as the last token comes right. So `fit`
confirms each candidate alone, under the autocast it trains with and without it (`onestep.core.one_by_one`). This
decodes every one-step solution of `--model` in the store both ways, per length in batches of `--batch` (as a fit would
have held them) and each alone, under bf16 autocast and in fp32, and counts the tokens and solutions that differ.
"""
import argparse
from pathlib import Path
import torch
import pandas as pd
from onestep.core import decode, get_arrangement, reconstruct
from onestep.models import load_model
from onestep.store import Store
from onestep.throughput import machine

ap = argparse.ArgumentParser()
ap.add_argument("--store", default="runs/store")
ap.add_argument("--model", default="smollm2-135m")
ap.add_argument("--texts", default="", help="only solutions whose text id starts so (e.g. shakespeare/: not generated/ ones)")
ap.add_argument("--batch", type=int, default=16)
ap.add_argument("--out", default="figures/bench_decode_alone.md")
a = ap.parse_args()

store = Store(a.store)
df = store.frame()
df = df[(df.model == a.model) & df.text_id.str.startswith(a.texts) & ~df.arrangement.map(lambda x: get_arrangement(x).teacher_forced)]
if not len(df): raise SystemExit(f"no one-step solutions of {a.model} in {a.store} (texts {a.texts!r}): run a preset first (nbs/params/*.cpu.yaml)")
model, _ = load_model(a.model)
rows = []
for (n, arr, prefix), d in df.groupby(["n", "arrangement", "prefix"]):
    sols = [store.get(k) for k in d.key]
    for ac in (torch.bfloat16, None):
        alone = [torch.tensor(reconstruct(model, s, ac)[0]) for s in sols]  # as the store records it
        batched = []
        for i in range(0, len(sols), a.batch):
            part = sols[i:i + a.batch]
            batched += list(decode(model, torch.stack([s.e for s in part]), torch.stack([s.m for s in part]) if part[0].m is not None else None,
                                   arr, n, prefix, autocast=ac))
        exact = lambda ids, s: ids.tolist() == list(s.target)
        rows.append({"N": n, "arrangement": arr, "compute": "bf16 autocast" if ac is not None else "fp32", "solutions": len(sols),
                     "tokens that differ": int(sum((x != y).sum() for x, y in zip(alone, batched))), "tokens": len(sols) * n,
                     "solutions that differ": sum(bool((x != y).any()) for x, y in zip(alone, batched)),
                     "exact alone": sum(exact(x, s) for x, s in zip(alone, sols)),
                     "exact in a batch": sum(exact(y, s) for y, s in zip(batched, sols))})
        print(rows[-1], flush=True)

t = pd.DataFrame(rows)
text = "\n".join([f"# Decoded alone and in a batch ({a.model}, {machine('cpu')})", "",
                  f"Every one-step solution of {a.model} in `{a.store}`" + (f" whose text id starts with `{a.texts}`" if a.texts else "") + f" ({len(df)} solutions), decoded in batches of {a.batch} (per length, "
                  "in store order) and each alone, one forward pass each way, under bf16 autocast and in fp32; 'exact': the decode "
                  "reproduces the solution's target:", "", t.to_markdown(index=False), ""])
print(text)
Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(text)
