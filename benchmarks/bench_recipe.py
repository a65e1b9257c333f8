"""Benchmark: the paper's recipe against FAST_RECIPE, side by side in one run, on the same texts.

    .venv/bin/python benchmarks/bench_recipe.py [--texts 2] [--lengths 16,32] [--budget 600] [--out figures/bench_recipe.md]

Both recipes train the same problems (natural and random text, `--texts` per source) in a fresh, temporary store, so
nothing is reused: evaluations until the one-forward decode is exact (an unsolved problem costs the whole budget) and
wall time are measured now, on this machine. FAST_RECIPE warm-starts each length from the previous length's solution,
so its cost at a length is summed over the lengths before it. Prints the ratio table and writes it as Markdown.
"""
import argparse, platform, tempfile, time
import numpy as np, pandas as pd, torch
from onestep.core import PAPER_RECIPE, FAST_RECIPE
from onestep.data import load_texts
from onestep.models import load_model
from onestep.recipes import recipe_study, cost_summary
from onestep.store import Store

ap = argparse.ArgumentParser()
ap.add_argument("--model", default="smollm2-135m")
ap.add_argument("--sources", default="shakespeare,random")
ap.add_argument("--texts", type=int, default=2)
ap.add_argument("--lengths", default="16,32")
ap.add_argument("--budget", type=int, default=600)
ap.add_argument("--out", default="figures/bench_recipe.md")
a = ap.parse_args()
lengths = [int(n) for n in a.lengths.split(",")]

model, tok = load_model(a.model)
runs, wall = [], {}
with tempfile.TemporaryDirectory() as tmp:
    for name, recipe in [("paper", PAPER_RECIPE), ("fast", FAST_RECIPE)]:
        t0 = time.perf_counter()
        for src in a.sources.split(","):
            texts = load_texts(src, a.texts, model=model, tokenizer=tok, n_tokens=max(lengths))
            r = recipe_study(model, tok, texts, lengths, [0], {name: recipe}, a.budget, Store(tmp), progress=False)
            runs.append(r.assign(source=src))
        wall[name] = time.perf_counter() - t0
s = cost_summary(pd.concat(runs, ignore_index=True)).set_index(["recipe", "source", "n"])

def ev(v): return f"{v:.0f}" if np.isfinite(v) else "unsolved"
lines = [f"# Recipe benchmark ({a.model}, {platform.machine()} CPU, torch {torch.__version__}, {torch.get_num_threads()} threads)", "",
         f"{a.texts} texts per source, N = {a.lengths}, budget {a.budget} evaluations per problem, arrangement e_m; "
         f"paper = {PAPER_RECIPE}; fast = {FAST_RECIPE}. Evaluations of a warm-started recipe are summed over its "
         f"chain of lengths (it paid for the shorter ones too).", "",
         "| source | N | solved, paper | solved, fast | median evals, paper | median evals, fast | paper / fast (median evals) |",
         "|---|---|---|---|---|---|---|"]
for (src, n), p in s.loc["paper"].iterrows():
    f = s.loc[("fast", src, n)]
    ratio = p["median"] / f["median"] if np.isfinite(f["median"]) else float("nan")
    r = "-" if np.isnan(ratio) else (f"≥ {(a.budget + 1) / f['median']:.1f}x" if np.isinf(ratio) else f"{ratio:.1f}x")
    lines.append(f"| {src} | {n} | {p.solved * p.problems:.0f}/{p.problems} | {f.solved * f.problems:.0f}/{f.problems} | "
                 f"{ev(p['median'])} | {ev(f['median'])} | {r} |")
lines += ["", f"Wall time for all problems: paper {wall['paper']:.0f} s, fast {wall['fast']:.0f} s: "
          f"**{wall['paper'] / wall['fast']:.1f}x less with FAST_RECIPE** (unsolved problems cost the whole budget; "
          f"'≥': the paper's recipe solved fewer than half within it, so its median is only known to be higher).", ""]
text = "\n".join(lines)
print(text)
from pathlib import Path
Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(text)
