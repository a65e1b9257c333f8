"""Dry runs of the paper presets on this CPU: each `nbs/params/*.paper.yaml` through its own notebook with `dry:` models (the paper
models' vocabularies, contexts and BOS conventions on 2-layer random models), offline texts and 2 evaluations per problem
(`onestep.plan.dry_run_params`). A shape, memory or key error shows up here, not on a GPU after an hour. Writes a table of
what ran to figures/plan/dry_run.md.

    .venv/bin/python scripts/dry_run.py [--full] [--only 03_capacity] [--out figures/plan/dry_run.md]
"""
import argparse, glob, tempfile, time, traceback
from pathlib import Path
import pandas as pd
import papermill as pm
from onestep.plan import dry_run_params
from onestep.throughput import machine

ap = argparse.ArgumentParser()
ap.add_argument("--full", action="store_true", help="keep the largest sharing group whole (256 texts of 256 tokens)")
ap.add_argument("--only", default="", help="comma-separated sections")
ap.add_argument("--out", default="figures/plan/dry_run.md")
ap.add_argument("--work", default="", help="a folder to keep the store and the executed notebooks in (default: a new temporary one)")
a = ap.parse_args()
work = Path(a.work) if a.work else Path(tempfile.mkdtemp(prefix="onestep-dry-"))
work.mkdir(parents=True, exist_ok=True)
rows = []
for f in sorted(glob.glob("nbs/params/0[1-6]*.paper.yaml")):
    section, p = dry_run_params(f, work / "store", work / "out" / Path(f).stem, full=a.full)
    if a.only and section not in a.only.split(","): continue
    t0 = time.perf_counter()
    try:
        pm.execute_notebook(f"nbs/{section}.ipynb", str(work / f"{section}.ipynb"), parameters=p, progress_bar=False, kernel_name="python3")
        status = "ran"
    except Exception as err:
        status = f"failed: {str(err).strip().splitlines()[-1][:150] if str(err).strip() else type(err).__name__}"
        traceback.print_exc()
    shapes = {k: p[k] for k in ("models", "model", "lengths", "capacity_lengths", "n", "group_sizes", "n_texts", "seeds", "arrangements") if k in p}
    rows.append({"preset": Path(f).name, "status": status, "seconds": round(time.perf_counter() - t0),
                 "outputs": len(list((work / "out" / Path(f).stem).glob("*"))), "shapes": ", ".join(f"{k}={v}" for k, v in shapes.items())})
    print(rows[-1], flush=True)
md = ["# Dry runs of the paper presets", "",
      f"`python scripts/dry_run.py{' --full' if a.full else ''}` on {machine('cpu')}: each preset through its notebook on `dry:` models "
      "(the paper models' vocabularies, contexts and BOS conventions on 2-layer random models), offline texts, 2 evaluations per problem, "
      "batch_size auto.", "", pd.DataFrame(rows).to_markdown(index=False), ""]
Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text("\n".join(md)); print("\n".join(md))
