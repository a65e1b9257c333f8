"""How far training moved each proto-token e from its random start, for the solutions a store holds (Fig 4's question).

    .venv/bin/python scripts/e_drift.py [--store runs/store] [--tag interpretation] [--out runs/e_drift_store.md]

Reads every stored solution with the given tag, draws its start again (`onestep.core.start_vector`) and writes
||e - e0|| / ||e0|| and cos(e, e0) per model, solved and not (`onestep.interpretation.drift_table`).
"""
import argparse, json
from pathlib import Path
import pandas as pd
from onestep.interpretation import e_drift, drift_table
from onestep.models import load_model
from onestep.store import Store
from onestep.core import EXACT

ap = argparse.ArgumentParser()
ap.add_argument("--store", default="runs/store")
ap.add_argument("--tag", default="interpretation")
ap.add_argument("--n", type=int, default=16, help="only solutions of this many tokens")
ap.add_argument("--steps", type=int, default=400, help="only solutions fitted with this budget")
ap.add_argument("--out", default="runs/e_drift_store.md")
a = ap.parse_args()

store, rows = Store(a.store), []
sols = [s for s in (store.get(k) for k in store.keys())
        if s.meta.get("tag") == a.tag and s.n == a.n and s.meta.get("recipe", {}).get("steps") == a.steps]
for name in sorted({s.model for s in sols}):
    model, _ = load_model(name)
    mine = [s for s in sols if s.model == name]
    d = e_drift(model, mine).assign(model=name, solved=[s.meta.get("decoded_accuracy", 0) >= EXACT for s in mine])
    rows.append(d)
t = drift_table(pd.concat(rows, ignore_index=True))
recipes = sorted({json.dumps({k: s.meta["recipe"][k] for k in ("lr", "init", "steps")}) for s in sols})
text = (f"Solutions in the store with tag {a.tag!r}, N={a.n}, budget {a.steps} ({len(sols)}; recipe {', '.join(recipes)}):\n\n"
        + t.to_markdown() + "\n")
Path(a.out).write_text(text)
print(text)
