"""Benchmark: what checkpoints cost, and what a larger budget costs once a smaller one has run, side by side in one run.

    .venv/bin/python benchmarks/bench_checkpoint.py [--texts 16] [--n 32] [--steps 100] [--out figures/bench_checkpoint.md]

Three measurements on one batch of Shakespeare texts (the paper's recipe: constant lr, so a continued run is exactly
one run with the larger budget):
1. `fit` alone, and `fit` with a `Checkpoint` at its defaults (every 50 evaluations or 2 minutes): the overhead ratio;
2. `run_jobs` with the budget `2 x steps` in a fresh store, against `run_jobs` with `steps` and then with `2 x steps`
   in another store: the second call continues the batch from its stored state, so it costs about `steps`
   evaluations, not `2 x steps`; and the two stores hold the same vectors.
Writes the table as Markdown. Timings are from this machine, in this run; compare ratios, not seconds.
"""
import argparse, tempfile, time
from dataclasses import replace
from pathlib import Path
import torch
from onestep.core import PAPER_RECIPE, Checkpoint, fit, take_tokens
from onestep.data import load_texts
from onestep.models import load_model
from onestep.store import Job, Store, run_jobs
from onestep.throughput import machine

ap = argparse.ArgumentParser()
ap.add_argument("--model", default="smollm2-135m")
ap.add_argument("--texts", type=int, default=16)
ap.add_argument("--n", type=int, default=32)
ap.add_argument("--steps", type=int, default=100)
ap.add_argument("--out", default="figures/bench_checkpoint.md")
a = ap.parse_args()

model, tok = load_model(a.model)
texts = load_texts("shakespeare", a.texts)
targets = [take_tokens(t, tok, a.n) for t in texts]
recipe = replace(PAPER_RECIPE, steps=a.steps)
rows = []

def timed(f):
    t0 = time.perf_counter(); out = f(); return out, time.perf_counter() - t0

plain, t_plain = timed(lambda: fit(model, targets, recipe=recipe, progress=False))
ck = Checkpoint(Path(tempfile.mkdtemp()) / "batch.pt")
saved, t_ck = timed(lambda: fit(model, targets, recipe=recipe, progress=False, checkpoint=ck))
same = all(torch.equal(x.e, y.e) and torch.equal(x.m, y.m) for x, y in zip(plain, saved))
rows.append(("fit, no checkpoint", a.steps + 1, t_plain, "1.000", ""))
rows.append((f"fit, checkpoint every {ck.every} evaluations or {ck.seconds:.0f} s", a.steps + 1, t_ck, f"{t_ck / t_plain:.3f}",
             f"same vectors: {same}"))

jobs = lambda steps: [Job(model.onestep_name, t.id, tuple(g), recipe=replace(recipe, steps=steps), tag="bench") for t, g in zip(texts, targets)]
whole_store, ext_store = Store(tempfile.mkdtemp()), Store(tempfile.mkdtemp())
_, t_whole = timed(lambda: run_jobs(jobs(2 * a.steps), model, whole_store, batch_size=a.texts, progress=False))
_, t_first = timed(lambda: run_jobs(jobs(a.steps), model, ext_store, batch_size=a.texts, progress=False))
_, t_more = timed(lambda: run_jobs(jobs(2 * a.steps), model, ext_store, batch_size=a.texts, progress=False))
keys = [j.key() for j in jobs(2 * a.steps)]
same = all(torch.equal(whole_store.get(k).e, ext_store.get(k).e) and torch.equal(whole_store.get(k).m, ext_store.get(k).m) for k in keys)
rows.append((f"run_jobs, budget {2 * a.steps} from scratch", 2 * a.steps + 1, t_whole, "1.000", ""))
rows.append((f"run_jobs, budget {a.steps}", a.steps + 1, t_first, f"{t_first / t_whole:.3f}", ""))
rows.append((f"run_jobs, then budget {2 * a.steps} (continues)", a.steps, t_more, f"{t_more / t_whole:.3f}", f"same vectors as from scratch: {same}"))

lines = [f"# Checkpoints and budget extension ({a.model}, {machine('cpu')})", "",
         f"{a.texts} Shakespeare texts of N={a.n} in one batch, the paper's recipe (AdamW, lr {recipe.lr}, constant), budget {a.steps}.", "",
         "| run | evaluations of the batch | seconds | ratio | check |", "|---|---|---|---|---|"]
lines += [f"| {r} | {e} | {s:.1f} | {q} | {c} |" for r, e, s, q, c in rows]
Path(a.out).parent.mkdir(parents=True, exist_ok=True)
Path(a.out).write_text("\n".join(lines) + "\n")
print("\n".join(lines))
