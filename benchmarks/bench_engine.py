"""Benchmark: the batched engine against a per-text loop like the prior work's (batch 1), side by side in one run.

    .venv/bin/python benchmarks/bench_engine.py [--texts 8] [--n 32] [--steps 300] [--out figures/bench_engine.md]

Prints a table of wall-time ratios and solved fractions, and tokens/s per optimiser step for several batch sizes;
writes the same table as Markdown. Timings are from this machine, in this run; compare ratios, not seconds.
"""
import argparse, platform, time
from dataclasses import replace
from pathlib import Path
import torch
from onestep.core import Recipe, fit, take_tokens
from onestep.data import load_texts
from onestep.models import load_model

ap = argparse.ArgumentParser()
ap.add_argument("--model", default="smollm2-135m")
ap.add_argument("--texts", type=int, default=8)
ap.add_argument("--n", type=int, default=32)
ap.add_argument("--steps", type=int, default=300)
# defaults: the settings of the committed figures/bench_engine.md (equal work for both engines; speed, not solving)
ap.add_argument("--lr", type=float, default=0.01)
ap.add_argument("--init", default="embedding")
ap.add_argument("--prefix", default="none")
ap.add_argument("--arrangement", default="e_m_unguided")
ap.add_argument("--batch-sizes", default="1,4,16")
ap.add_argument("--out", default="figures/bench_engine.md")
a = ap.parse_args()

model, tok = load_model(a.model)
texts = load_texts("shakespeare", max(a.texts, max(map(int, a.batch_sizes.split(",")))), n_chars=2000)
targets = [take_tokens(t.text, tok, a.n) for t in texts]
recipe = Recipe(steps=a.steps, lr=a.lr, init=a.init, prefix=a.prefix)
lines = [f"# Engine benchmark ({a.model}, {platform.machine()} CPU, torch {torch.__version__}, "
         f"{torch.get_num_threads()} threads)", "",
         f"{a.texts} Shakespeare texts, N={a.n}, arrangement {a.arrangement}, recipe lr={a.lr}, init={a.init}, prefix={a.prefix}, "
         f"budget {a.steps} steps, stop at 100% accuracy.", ""]

t0 = time.perf_counter()
batched = fit(model, targets[:a.texts], a.arrangement, recipe, progress=False)
t_batched = time.perf_counter() - t0
t0 = time.perf_counter()
loop = [fit(model, [t], a.arrangement, recipe, progress=False)[0] for t in targets[:a.texts]]
t_loop = time.perf_counter() - t0
sb, sl = sum(s.solved for s in batched), sum(s.solved for s in loop)
lines += ["| engine | wall time (s) | solved | steps run (mean) |", "|---|---|---|---|",
          f"| batched (B={a.texts}, solved problems leave the batch) | {t_batched:.1f} | {sb}/{a.texts} | "
          f"{sum(s.steps for s in batched) / a.texts:.0f} |",
          f"| per-text loop (B=1) | {t_loop:.1f} | {sl}/{a.texts} | {sum(s.steps for s in loop) / a.texts:.0f} |",
          "", f"**Per-text loop / batched wall time: {t_loop / t_batched:.2f}x**", ""]

lines += ["| B | s per optimiser step | target tokens/s | tokens/s relative to B=1 |", "|---|---|---|---|"]
base = None
for b in map(int, a.batch_sizes.split(",")):
    r = Recipe(steps=6, lr=a.lr, init=a.init, prefix=a.prefix, stop_accuracy=1.0)
    fit(model, targets[:b], a.arrangement, replace(r, steps=1), progress=False)  # warm-up
    t0 = time.perf_counter(); fit(model, targets[:b], a.arrangement, r, progress=False); dt = (time.perf_counter() - t0) / 7
    tps = b * a.n / dt; base = base or tps
    lines.append(f"| {b} | {dt:.3f} | {tps:.0f} | {tps / base:.2f} |")
text = "\n".join(lines) + "\n"
print(text)
Path(a.out).parent.mkdir(parents=True, exist_ok=True)
Path(a.out).write_text(text)
