"""Measure the engine's rate on a model and size the paper's capacity sweep from it: writes figures/cluster/cost.{md,csv}.
Run alone (no other torch process): `.venv/bin/python scripts/cluster_cost.py [--model NAME] [--device cpu|cuda]`."""
import argparse, yaml
import pandas as pd
from onestep.models import load_model
from onestep.cluster import evaluation_rate, sweep_cost
from onestep.report import save_table
from onestep.store import resolve

p = argparse.ArgumentParser(description=__doc__)
p.add_argument("--model", default="smollm2-135m"); p.add_argument("--device", default="cpu")
p.add_argument("--preset", default="nbs/params/03_capacity.paper.yaml"); p.add_argument("--out", default="figures/cluster")
a = p.parse_args()
model, _ = load_model(a.model, device=a.device)
params = yaml.safe_load(resolve(a.preset).read_text())
rows = []
for n in (16, 64, 256):
    r = evaluation_rate(model, n=n, batch_size=16, evaluations=8)
    c = sweep_cost(params, r["token_evals_per_s"])
    rows.append({"model": r["model"], "timed on": r["machine"], "N": n, "batch": r["batch_size"],
                 "token-evaluations/s": round(r["token_evals_per_s"]),
                 "problems/hour at 400 evaluations": round(r["token_evals_per_s"] / (n * 400) * 3600, 1),
                 "problems/hour at 5000 evaluations": round(r["token_evals_per_s"] / (n * 5000) * 3600, 1),
                 f"{a.preset.split('/')[-1]}: hours per model at this rate (upper bound)": round(c["hours per model at this rate"]),
                 "its problems per model": c["problems per model"]})
df = pd.DataFrame(rows).set_index("N")
save_table(df, resolve(a.out), "cost")
print(df.to_markdown())
