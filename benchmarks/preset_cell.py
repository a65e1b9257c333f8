"""One cell of a paper preset (one model, one length) through the section's own notebook, against the planner's estimate:
peak memory and the seconds of the fits.

    python benchmarks/preset_cell.py [--preset nbs/params/03_capacity.paper.yaml] [--model llama-3.2-1b] [--n 256]
        [--steps 30] [--texts 64] [--device cuda] [--out figures/plan/preset_cell.md]

`onestep.plan.cell_params` keeps the preset's settings (recipe, arrangements or methods, batch size, autocast) with
`random:<model>` in place of the model: its whole architecture with random weights, so its memory and speed are the real
model's and nothing is downloaded. Offline texts stand in for the hub's (as in a dry run), one batch of texts per setting,
and a short budget: a random model solves nothing, so every problem runs the whole budget, as the planner assumes.
`onestep.plan.cell_estimate` gives the planner's peak memory of one batch (weights included) and the seconds of its
evaluations at the rate measured on an H200 with batches of 16 (`figures/plan/measured.csv`). The measured peak is the
notebook process's, from its `run.json`: GPU memory allocated by torch on CUDA, the resident set on a CPU (which holds
Python and its libraries besides the fit). Numbers are from this machine, in this run.
"""
import argparse, json, tempfile, time
import yaml
from pathlib import Path
import pandas as pd
import papermill as pm
from onestep.plan import cell_params, cell_estimate
from onestep.store import Store, resolve
from onestep.throughput import machine

ap = argparse.ArgumentParser()
ap.add_argument("--preset", default="nbs/params/03_capacity.paper.yaml")
ap.add_argument("--model", default="llama-3.2-1b", help="one of the preset's models")
ap.add_argument("--n", type=int, default=256, help="one of the preset's lengths")
ap.add_argument("--steps", type=int, default=30, help="evaluations per problem")
ap.add_argument("--texts", type=int, default=None, help="texts (default: the preset's batch size, 64 where it is auto): one batch per setting")
ap.add_argument("--device", default="cuda")
ap.add_argument("--out", default="figures/plan/preset_cell.md")
ap.add_argument("--work", default="", help="a folder for the store and the executed notebook (default: a new temporary one)")
a = ap.parse_args()
work = Path(a.work) if a.work else Path(tempfile.mkdtemp(prefix="onestep-cell-"))
work.mkdir(parents=True, exist_ok=True)
section, p = cell_params(a.preset, a.model, a.n, work / "store", work / "out", texts=a.texts, steps=a.steps, device=a.device)
batch, given = p["batch_size"], yaml.safe_load(resolve(a.preset).read_text()).get("batch_size")
per_setting = p["n_texts"] * len(p.get("sources", [p.get("source")])) * len(p["seeds"])
if not isinstance(batch, int) or per_setting > batch:
    raise SystemExit(f"this check prices one batch per setting: {per_setting} problems per setting, batch size {batch!r}; give --texts <= the batch size")
print(f"{section} on {machine(a.device)}: {p['models'][0]}, N={a.n}, {per_setting} problems per setting, {a.steps} evaluations each", flush=True)
t0 = time.perf_counter()
pm.execute_notebook(f"nbs/{section}.ipynb", str(work / f"{section}.ipynb"), parameters=p, progress_bar=False, kernel_name="python3")
wall = time.perf_counter() - t0
run = json.loads((work / "out" / "run.json").read_text())
fits = Store(work / "store").frame()

def setting(r):
    if r.arrangement.startswith("mem"): return f"[mem] x{r.arrangement[3:]}"
    if isinstance(r.frozen, str) and r.frozen: return f"{r.arrangement}, e alone against a frozen m"
    return r.arrangement + (", m shared" if isinstance(r.m_group, str) and r.m_group else "")

fits["setting"] = fits.apply(setting, axis=1)
rows = []
for name, g in fits.groupby("setting"):
    est = cell_estimate(a.model, a.n, len(g), len(g), int(g.evaluations.max()), p["autocast"], a.device)
    rows.append({"setting": name, "problems": len(g), "evaluations each": int(g.evaluations.max()),
                 "fit seconds (measured)": f"{g.seconds.max():.3g}",  # one batch: its last problem left at its end
                 "fit seconds (planned)": f"{est['seconds']:.3g}" if est["seconds"] else "not measured",
                 "measured / planned": f"{g.seconds.max() / est['seconds']:.3g}" if est["seconds"] else "-"})
table = pd.DataFrame(rows)
est = cell_estimate(a.model, a.n, batch if per_setting >= batch else per_setting, per_setting, a.steps, p["autocast"], a.device)
mem = run.get("memory", {})
gpu = a.device.startswith("cuda")
peak = mem.get("peak_gpu_allocated_bytes") if gpu else mem.get("peak_rss_bytes")
what = "GPU memory allocated by torch" if gpu else "the notebook process's resident memory, Python and its libraries included"
md = ["# One cell of a paper preset, against the plan", "",
      f"`python benchmarks/preset_cell.py --preset {a.preset} --model {a.model} --n {a.n} --steps {a.steps}"
      + (f" --texts {a.texts}" if a.texts else "") + f" --device {a.device}` on {machine(a.device)}: the `{section}` notebook on "
      f"`random:{a.model}` (the whole architecture, random weights), N = {a.n}, {per_setting} problems per setting in one batch "
      + (f"(the preset's batch size: {batch})" if given == batch else f"(the preset's batch size is {given}: fixed at {batch} here, so that the peak is the fit's)")
      + f", a budget of {a.steps} evaluations, autocast {p['autocast']}; {wall:.0f} s for the notebook in all.", "",
      f"Peak memory: {peak / 1e9:.2f} GB measured ({what}), {est['peak_bytes'] / 1e9:.2f} GB planned for one batch "
      f"(`onestep.plan.cell_estimate`, weights included): measured / planned {peak / est['peak_bytes']:.2f}." if peak else
      "Peak memory: not recorded by the notebook's run.json.", "",
      "Fit seconds per setting (measured: the batch's wall time, its per-step checks included; planned: its evaluations at the "
      "rate measured on an H200 with batches of 16, so on another device the ratio is also that device's speed against it):", "",
      table.to_markdown(index=False), ""]
Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text("\n".join(md)); print("\n".join(md))
