"""What the paper presets need on an 80 GB card, from `onestep.plan` (the memory model fitted to figures/plan/measured.csv):
writes figures/plan/paper_presets.md, and figures/plan/memory_check.{md,csv} (each measurement against its estimate).

    .venv/bin/python scripts/plan_presets.py [--gpu-gb 80]
"""
import argparse, glob
from pathlib import Path
from onestep.plan import plan_preset, memory_check

ap = argparse.ArgumentParser(); ap.add_argument("--gpu-gb", type=float, default=80.0); a = ap.parse_args()
out = ["# The paper presets on one GPU", "",
       f"`onestep plan PRESET --gpu-gb {a.gpu_gb:g}` for each `nbs/params/*.paper.yaml` (memory: `onestep.plan`'s model, fitted to peaks",
       "measured on an H200, `figures/plan/measured.csv`; hours: every problem running its whole budget, at the rate measured",
       "there with batches of 16, so an upper bound on both counts). `06_throughput` decodes the capacity preset's solutions:",
       "its rows are the capacity fits it needs, with no evaluations of its own. A `[mem]` fit also decodes greedily (N steps in turn,",
       "under bf16 and in fp32) to confirm its text once teacher forcing is exact; after a decode that missed, the next waits",
       "`confirm_every` evaluations (50 in the 03 and 06 presets: at most 1 + 5000/50 decodes per problem), not priced here.", ""]
for f in sorted(glob.glob("nbs/params/0[1-6]*.paper.yaml")):
    df = plan_preset(f, gpu_gb=a.gpu_gb)
    bad = df[df.fits.str.startswith("no")]
    out += [f"## {Path(f).name}", "", df.to_markdown(index=False), "",
            f"Fits a card of {a.gpu_gb:g} GB: " + ("yes, every length." if not len(bad) else f"no, {len(bad)} of {len(df)} rows ({bad.fits.iloc[0]})."),
            f"Evaluations: {df.evaluations.sum():,}; hours at batch 16 on an H200: {df['hours at batch 16 (H200)'].sum():,.0f}.", ""]
Path("figures/plan").mkdir(parents=True, exist_ok=True)
Path("figures/plan/paper_presets.md").write_text("\n".join(out))
c = memory_check()
summary = c.assign(batches=c.batch.map(lambda b: "4 and 16" if b >= 4 else "1 and 2")).groupby(["autocast", "batches"])["estimated / measured"].describe()
Path("figures/plan/memory_check.md").write_text("\n".join([
    "# The memory model against the measurements", "",
    "Estimated / measured peak of one evaluation above the weights, over every row of `figures/plan/measured.csv` (random models",
    "of the paper's architectures and the two packaged ones on an H200, N = 64, 256, 1024):", "",
    summary.round(2).to_markdown(), "", "In-sample: the model is fitted to these measurements. Per measurement: `figures/plan/memory_check.csv`.", ""]))
c.round(4).to_csv("figures/plan/memory_check.csv", index=False)
print("\n".join(out))
