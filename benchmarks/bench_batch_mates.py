"""Benchmark: does a fit reach the same result alone as beside other problems in its batch? Side by side in one run.

    .venv/bin/python benchmarks/bench_batch_mates.py [--model smollm2-135m] [--source random] [--n-texts 3] [--text random/s0/1]
        [--n 4] [--arrangement mem1] [--recipe fast-r400] [--steps 800] [--out figures/bench_batch_mates.md]

The engine sums each problem's own loss, so in exact arithmetic each problem's gradient is what it would be alone. A
kernel can round a row differently at another batch size, though (bf16 matrix multiplies on a CPU with AMX, for one),
and an optimisation can carry a rounding difference far. This fits one text (`--text`) of a capacity search's length
alone and in one batch with the other texts of `--source`, under bf16 autocast where the CPU has bf16 instructions and
in fp32, each on a fresh store (nothing reused), and reports its loss after a few evaluations and its result at the
budget.
"""
import argparse, dataclasses, tempfile
from pathlib import Path
import torch
import pandas as pd
from onestep.capacity import capacity_search
from onestep.core import RECIPES
from onestep.data import load_texts
from onestep.models import load_model, cpu_has_bf16
from onestep.store import Store
from onestep.throughput import machine


ap = argparse.ArgumentParser()
ap.add_argument("--model", default="smollm2-135m")
ap.add_argument("--source", default="random")
ap.add_argument("--n-texts", type=int, default=3)
ap.add_argument("--text", default="random/s0/1")
ap.add_argument("--n", type=int, default=4)
ap.add_argument("--arrangement", default="mem1")
ap.add_argument("--recipe", default="fast-r400")
ap.add_argument("--steps", type=int, default=800)
ap.add_argument("--early", default="10,20,30", help="budgets at which the loss is compared (fits stopped there)")
ap.add_argument("--out", default="figures/bench_batch_mates.md")
a = ap.parse_args()

texts = load_texts(a.source, a.n_texts)
mine = [t for t in texts if t.id == a.text]
if not mine: raise SystemExit(f"{a.text} is not among the first {a.n_texts} texts of {a.source}: {[t.id for t in texts]}")
model, tok = load_model(a.model)
computes = ([("bf16 autocast", torch.bfloat16)] if cpu_has_bf16() else []) + [("fp32", None)]
rows = []
for name, ac in computes:
    for budget in [int(s) for s in a.early.split(",")] + [a.steps]:
        r = dataclasses.replace(RECIPES[a.recipe], steps=budget)
        for who, batch in (("alone", mine), (f"with {len(texts) - 1} other texts", texts)):
            df = capacity_search(model, tok, batch, [a.n], a.arrangement, r, [0], False, Store(tempfile.mkdtemp()), autocast=ac, progress=False)
            s = df[df.text_id == a.text].iloc[0]
            rows.append({"compute": name, "budget": budget, "fitted": who, "loss": round(float(s.loss), 5), "evaluations": int(s.evaluations),
                         "decoded accuracy": round(float(s.decoded_accuracy), 3), "solved": bool(s.decoded_accuracy >= 1)})
            print(rows[-1], flush=True)

t = pd.DataFrame(rows)
text = "\n".join([f"# A fit alone and beside other problems ({a.model}, {machine('cpu')})", "",
                  f"`{a.text}` at N = {a.n}, arrangement {a.arrangement}, recipe {a.recipe}, seed 0, fitted alone and in one batch with the "
                  f"other {len(texts) - 1} of the first {a.n_texts} {a.source} texts, each time on a fresh store; stopped at each budget (the "
                  "loss and the evaluations are the text's own, at its stop):", "", t.to_markdown(index=False), ""])
print(text)
Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(text)
