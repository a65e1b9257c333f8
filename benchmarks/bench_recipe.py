"""Benchmark: wall time and evaluations per solved problem, the paper's recipe in fp32 (or another reference) against faster recipes and
compute settings.

    .venv/bin/python benchmarks/bench_recipe.py [--texts 8] [--lengths 32] [--budget 3000] \
        [--candidates "paper@none;lr 0.3, cosine over 300, restart every 600@auto;..."] [--fresh] [--out figures/bench_recipe.md]

Every candidate (a name in `onestep.recipes.CANDIDATES`, `@` the autocast it runs under: none, auto or bfloat16) trains
the same problems: `--texts` natural and `--texts` random-word texts, one batch per source and length, so that each
batch's wall time belongs to one source. The results go to a store of the benchmark's own (`--store`), so a run that is
stopped resumes from its checkpoints on a plain re-run; `--fresh` empties it first, so that every number is measured now.
A candidate's wall time per solved problem is its batches' wall time (until the last problem left) over the problems
solved: unsolved problems cost the whole budget. The ratio is the first candidate's (the reference: by default the paper's in
fp32) over the candidate's. Under autocast,
the table also says how many solutions decode exactly in fp32.

A run that spans sittings, or shares the CPU, records wall times that depend on what else ran. So the benchmark also
times one evaluation of every batch size a run passed through, for every compute setting, side by side at its end
(`onestep.plan.measure_evaluation`, interleaved), and prices each run's evaluations with them: 'priced s / solved' is
the sum over the batch's evaluations of the time of an evaluation of that many active problems, over the problems
solved. Its ratio does not depend on what else the machine did while the runs ran, only while they are priced.
"""
import argparse, platform, shutil, time
from pathlib import Path
import numpy as np, pandas as pd, torch
from onestep.core import PAPER_RECIPE
from onestep.data import load_texts
from onestep.models import load_model, autocast_dtype
from onestep.recipes import recipe_study, get_candidates, censored_quantile, ratio_text
from onestep.store import Store
from onestep.plan import measure_evaluation

ap = argparse.ArgumentParser()
ap.add_argument("--model", default="smollm2-135m")
ap.add_argument("--sources", default="shakespeare,random")
ap.add_argument("--texts", type=int, default=8)
ap.add_argument("--lengths", default="32")
ap.add_argument("--budget", type=int, default=3000)
ap.add_argument("--candidates", default="paper@none;lr 0.1, margin 2@auto;lr 0.3, cosine over 300@auto;lr 0.3, cosine over 300, restart every 600@auto;"
                "lr 0.3, cosine over 300, restart every 400@auto", help="name@autocast; ...")
ap.add_argument("--store", default="runs/bench_recipe")
ap.add_argument("--fresh", action="store_true", help="empty the benchmark's store first")
ap.add_argument("--out", default="figures/bench_recipe.md")
ap.add_argument("--run-only", action="store_true", help="run the candidates into the store and stop (no table; e.g. a second process)")
a = ap.parse_args()
lengths = [int(n) for n in a.lengths.split(",")]
cands = [tuple(c.strip().rsplit("@", 1)) if "@" in c else (c.strip(), "none") for c in a.candidates.split(";") if c.strip()]
if not cands: raise SystemExit("give at least one candidate (--candidates 'paper@none;...'): the ratios are to the first")
get_candidates([n for n, _ in cands])  # unknown names fail here, before any work
if a.fresh and Path(a.store).exists(): shutil.rmtree(a.store)
store = Store(a.store)

model, tok = load_model(a.model)
texts = {src: load_texts(src, a.texts, model=model, tokenizer=tok, n_tokens=max(lengths)) for src in a.sources.split(",")}
rows, t0 = [], time.perf_counter()
for name, compute in cands:
    ac = autocast_dtype(compute, "cpu")
    for src, ts in texts.items():
        r = recipe_study(model, tok, ts, lengths, [0], get_candidates([name]), a.budget, store, batch_size=len(ts), autocast=ac, progress=False)
        for n, g in r.groupby("n"):  # one batch: its wall time is the time its last problem left (a warm chain: summed over its lengths)
            solved = int(g.solved.sum())
            wall = float(r[r.n <= n].groupby("n").seconds.max().sum()) if g.warm_start.iloc[0] else float(g.seconds.max())
            fp32 = g.get("decoded_accuracy_fp32")
            # (N, problems active) of each evaluation the batch ran (a warm chain: its shorter lengths' batches too)
            chain = [m for m in sorted(r.n.unique()) if m <= n] if g.warm_start.iloc[0] else [n]
            active = [(m, int((h.evaluations > k).sum())) for m in chain for h in [r[r.n == m]] for k in range(int(h.evaluations.max()))]
            rows.append({"recipe": name, "compute": "fp32" if ac is None else str(ac).removeprefix("torch."), "source": src, "n": n, "active": active,
                         "problems": len(g), "solved": solved, "median": censored_quantile(g.cost, g.solved, 0.5), "p90": censored_quantile(g.cost, g.solved, 0.9),
                         "wall": wall, "per_solved": wall / solved if solved else np.inf,
                         "fp32_exact": int(((fp32 >= 1.0) & (g.decoded_accuracy >= 1.0)).sum()) if ac is not None and fp32 is not None else None,
                         "autocast_exact": int((g.decoded_accuracy >= 1.0).sum())})
    print(f"{name} @ {compute}: done ({time.perf_counter() - t0:.0f} s since start)", flush=True)
if a.run_only: raise SystemExit(0)
res = pd.DataFrame(rows)

# price every run's evaluations: one evaluation of each batch size it passed through, per compute setting, timed side by side
print("timing one evaluation per batch size and compute setting ...", flush=True)
cost = {}
for n, b in sorted({nb for a in res.active for nb in a}):
    for comp in sorted(set(res.compute)):  # interleaved: each batch size in every compute setting, one after the other
        cost[(comp, n, b)] = measure_evaluation(model, b, n, autocast=None if comp == "fp32" else getattr(torch, comp), repeats=5)["seconds"]
res["priced"] = [sum(cost[(r.compute, m, b)] for m, b in r.active) for r in res.itertuples()]
res["priced_per_solved"] = np.where(res.solved > 0, res.priced / res.solved.clip(lower=1), np.inf)

def ev(v): return f"{v:.0f}" if np.isfinite(v) else "unsolved"
paper_ref = (res.recipe.iloc[0], res.compute.iloc[0]) == ("paper", "fp32")
ref, ref_is = (("paper", "the paper's (fp32)") if paper_ref else
               ("ref", f"the reference's ({res.recipe.iloc[0]}, {res.compute.iloc[0]}: the first row of each source)"))
defs = f"paper = {PAPER_RECIPE}; the others" if "paper" in set(res.recipe) else "The recipes"
lines = [f"# Recipe benchmark ({a.model}, {platform.machine()} CPU, torch {torch.__version__}, {torch.get_num_threads()} threads)", "",
         f"{a.texts} texts per source, N = {a.lengths}, one seed, budget {a.budget} evaluations per problem, arrangement e_m, "
         f"one batch of {a.texts} per source, candidate and length. {defs} as `onestep.recipes.CANDIDATES` "
         f"names them. 'wall s': the wall time the run recorded (a run stopped and resumed, or sharing the CPU, records the time it "
         f"took so); 'wall / solved': the batch's wall time over the problems it solved; 'vs {ref}': {ref_is} over this one's "
         f"(≥ where the reference's median is censored at the budget; where it solved none, ≥ as if it had solved every problem right after the "
         f"budget). 'priced s / solved': the run's evaluations, each priced by one evaluation of "
         f"as many problems, timed side by side at the end of this run (the table below; the fp32 decodes that confirm autocast solutions are "
         f"not priced), over the problems solved. 'fp32-exact': of the runs whose vectors decode exactly under autocast, those that "
         f"also decode exactly in fp32 (only these count as solved, as the engine stops only on them).", ""]
lines += [f"| source | N | recipe | compute | solved | median evals | p90 evals | wall s | wall / solved s | vs {ref}: wall / solved | priced s / solved | "
          f"vs {ref}: priced / solved | vs {ref}: median evals | fp32-exact |",
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
for n in lengths:
    for src in texts:
        s = res[(res.source == src) & (res.n == n)]
        p, first = s.iloc[0], s.index[0]
        for i, r in s.iterrows():
            w = "-" if i == first else (f"{p.per_solved / r.per_solved:.1f}x" if np.isfinite(r.per_solved) else "-")
            if i != first and not np.isfinite(p.per_solved) and np.isfinite(r.per_solved): w = f"≥ {p.wall / p.problems / r.per_solved:.1f}x"
            e = "-" if i == first or not np.isfinite(r["median"]) else ratio_text(p["median"], r["median"], a.budget)
            pw = "-" if i == first or not np.isfinite(r.priced_per_solved) else (
                f"{p.priced_per_solved / r.priced_per_solved:.1f}x" if np.isfinite(p.priced_per_solved) else f"≥ {p.priced / p.problems / r.priced_per_solved:.1f}x")  # as if the reference had solved all right after the budget
            fx = "-" if r.fp32_exact is None or pd.isna(r.fp32_exact) else f"{int(r.fp32_exact)}/{r.autocast_exact}"
            lines.append(f"| {src} | {n} | {r.recipe} | {r.compute} | {r.solved}/{r.problems} | {ev(r['median'])} | {ev(r.p90)} | {r.wall:.0f} | "
                         f"{r.per_solved:.1f} | {w} | {r.priced_per_solved:.1f} | {pw} | {e} | {fx} |".replace("| inf |", "| - |").replace("| inf |", "| - |"))
lines.append("")
lines += ["One evaluation (forward, loss, backward), timed at the end of this run, seconds:", "",
          "| N | problems | " + " | ".join(sorted(set(res.compute))) + " |", "|---|---|" + "---|" * len(set(res.compute))]
for n in lengths:
    for b in sorted({b for (c, nn, b) in cost if nn == n}):
        lines.append(f"| {n} | {b} | " + " | ".join(f"{cost[(c, n, b)]:.3f}" for c in sorted(set(res.compute))) + " |")
lines.append("")
text = "\n".join(lines)
print(text)
Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(text)
res.drop(columns="active").to_csv(Path(a.out).with_suffix(".csv"), index=False)
