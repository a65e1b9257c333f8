"""Benchmark: one m shared by many texts, by the learning rate of the shared vector (`Recipe.shared_lr`).

    .venv/bin/python benchmarks/bench_shared.py [--texts 8] [--n 16] [--budget 300] [--sources shakespeare,random] \
        [--settings "0.1/0;0.1/0.01;0.1/0.003;0.01/0;0.3/0.01/cosine;0.3/0/cosine"]

Each setting `lr/shared_lr[/cosine]` fits `--texts` texts of each source at N = `--n` with one m shared by all of them and an own
e each (init at the embeddings' scale, AdamW; constant lr, or with `cosine` 10 warm-up steps and a cosine to a tenth over 300
evaluations, as `FAST_RECIPE`), for `--budget` evaluations. A shared m couples its texts:
they stop together, when every one decodes exactly. The table gives, per source and setting, the texts whose kept vectors
decode exactly, their mean token accuracy, and the evaluations run. Results are written to `--out` (.md and .csv); the fits are
kept in a store of the benchmark's own (`--store`), so a re-run only prints.
"""
import argparse, platform
from dataclasses import replace
from pathlib import Path
import pandas as pd, torch
from onestep.core import Recipe, take_tokens
from onestep.data import load_texts
from onestep.models import load_model
from onestep.store import Store, Job, run_jobs

ap = argparse.ArgumentParser()
ap.add_argument("--model", default="smollm2-135m")
ap.add_argument("--sources", default="shakespeare,random")
ap.add_argument("--texts", type=int, default=8)
ap.add_argument("--n", type=int, default=16)
ap.add_argument("--budget", type=int, default=300)
ap.add_argument("--settings", default="0.1/0;0.1/0.01;0.1/0.003;0.01/0;0.3/0.01/cosine;0.3/0/cosine",
                help="lr/shared_lr[/cosine]; ... (shared_lr 0: the same as lr)")
ap.add_argument("--store", default="runs/bench_shared")
ap.add_argument("--out", default="figures/bench_shared.md")
a = ap.parse_args()
settings = [(float(p[0]), float(p[1]), p[2] if len(p) > 2 else "constant") for s in a.settings.split(";") if s.strip() for p in [s.strip().split("/")]]
bad = [s for s in settings if s[2] not in ("constant", "cosine")]
if bad: raise SystemExit(f"unknown schedule in {bad}: use lr/shared_lr or lr/shared_lr/cosine")
model, tok = load_model(a.model)
store, rows = Store(a.store), []
for src in a.sources.split(","):
    texts = load_texts(src, a.texts, model=model, tokenizer=tok, n_tokens=a.n)
    for lr, slr, sched in settings:
        rcp = Recipe(init="embedding", steps=a.budget, lr=lr, shared_lr=slr)
        if sched == "cosine": rcp = replace(rcp, warmup=10, schedule="cosine", lr_floor=0.1, decay=300)
        jobs = [Job(model.onestep_name, t.id, tuple(take_tokens(t, tok, a.n)), recipe=rcp, m_group=f"{src}: all", tag="bench-shared") for t in texts]
        df = run_jobs(jobs, model, store, batch_size=len(jobs))
        rows.append({"source": src, "lr": lr, "shared lr": slr or lr, "schedule": sched, "texts": len(df), "exact": int((df.decoded_accuracy >= 1.0).sum()),
                     "mean accuracy": df.decoded_accuracy.mean(), "worst accuracy": df.decoded_accuracy.min(), "evaluations": int(df.evaluations.max())})
        print(rows[-1], flush=True)
res = pd.DataFrame(rows)
head = (f"# One m shared by {a.texts} texts ({a.model}, {platform.machine()} CPU, torch {torch.__version__}, {torch.get_num_threads()} threads)\n\n"
        f"N = {a.n}, one seed, budget {a.budget} evaluations, init at the embeddings' scale; schedule 'cosine': 10 warm-up steps, then a "
        f"cosine to a tenth of each lr over 300 evaluations; lr: the own e's AdamW lr, shared lr: the m's "
        f"(`Recipe.shared_lr`). 'exact': texts whose kept vectors decode exactly (the decode of record); accuracy: decoded token accuracy.\n\n")
Path(a.out).parent.mkdir(parents=True, exist_ok=True)
Path(a.out).write_text(head + res.to_markdown(index=False, floatfmt=["", "g", "g", "", "", "", ".2f", ".2f", ""]) + "\n")
res.to_csv(Path(a.out).with_suffix(".csv"), index=False)
print(Path(a.out).read_text())
