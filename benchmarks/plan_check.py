"""Measure what one evaluation of a fit needs on a GPU, on random models with the paper's architectures (`onestep.plan.random_model`):
peak memory above the weights and seconds, per batch size and length, under the presets' compute settings (fp32 weights,
bf16 autocast). Writes one CSV row per measurement as it goes; `onestep.plan`'s memory constants are fitted to these rows.

    python benchmarks/plan_check.py [--out figures/plan/measured.csv] [--models ...] [--lengths 64,256,1024] [--batches 1,2,4]

Needs a CUDA device. Random weights have the real models' shapes, so their memory and speed are the real ones'.
"""
import argparse, csv, gc, time
from pathlib import Path
import torch
from onestep.models import PAPER_MODELS
from onestep.plan import random_model, measure_evaluation
from onestep.throughput import machine

ap = argparse.ArgumentParser()
ap.add_argument("--out", default="figures/plan/measured.csv")
ap.add_argument("--models", default=",".join(PAPER_MODELS + ["smollm2-135m", "gemma3-270m"]))
ap.add_argument("--lengths", default="64,256,1024")
ap.add_argument("--batches", default="1,2,4")
ap.add_argument("--rate-batch", type=int, default=16, help="also time this batch size (for rates), where it fits")
ap.add_argument("--autocast", default="bfloat16,none")
ap.add_argument("--fp32-models", default="pythia-160m,pythia-1.4b,llama-3.2-1b,smollm2-135m", help="models also measured without autocast")
a = ap.parse_args()
assert torch.cuda.is_available(), "this check needs a CUDA device"
out = Path(a.out); out.parent.mkdir(parents=True, exist_ok=True)
f = out.open("w", newline=""); w = None
for name in a.models.split(","):
    t0 = time.perf_counter(); model = random_model(name, "cuda"); t_load = time.perf_counter() - t0
    weights = torch.cuda.memory_allocated()
    for ac_name in [x for x in a.autocast.split(",") if x != "none" or name in a.fp32_models.split(",")]:
        ac = None if ac_name == "none" else getattr(torch, ac_name)
        for n in map(int, a.lengths.split(",")):
            for b in [int(x) for x in a.batches.split(",")] + [a.rate_batch]:
                try: r = measure_evaluation(model, b, n, autocast=ac)
                except torch.OutOfMemoryError: r = {"batch": b, "n": n, "peak_bytes": "oom", "seconds": ""}
                row = {"model": name, "autocast": ac_name, **r, "weights_bytes": weights, "machine": machine("cuda")}
                if w is None: w = csv.DictWriter(f, fieldnames=list(row)); w.writeheader()
                w.writerow(row); f.flush()
                print(name, ac_name, n, b, r["peak_bytes"], f"{r['seconds']:.4f}" if r["seconds"] != "" else "", flush=True)
                torch.cuda.empty_cache()
    print(f"{name}: built in {t_load:.1f} s", flush=True)
    del model; gc.collect(); torch.cuda.empty_cache()
f.close()
