"""Benchmark: the memory-bounded loss. Peak memory of a fit with logits made a chunk of rows at a time against the whole
batch's logits at once, and what the chunks cost in time, side by side in one run.

    .venv/bin/python benchmarks/bench_memory.py [--problems 256] [--n 256] [--vocab 128256] [--out figures/bench_memory.md]

1. Peak resident memory of `fit` (2 evaluations, so one backward pass) of `problems` problems x N tokens on a tiny random
   Llama (2 layers, width 64) with the vocabulary of Llama 3 (128,256), each in a fresh process: with the default chunks
   (`onestep.core.LOGIT_ELEMENTS`), and with one chunk for the whole batch (`LOGIT_ELEMENTS` set past B x N x V, the
   computation before chunking). The whole-batch fit does not fit this machine at 256 x 256 (its fp32 logits alone
   are 33.6 GB), so it runs at a few smaller batch sizes and its peak is extrapolated linearly in B (the logits and
   their gradient grow with B; the fit of a line is printed with its points).
2. Time of one evaluation (forward and backward) at shapes where the whole batch fits: the chunked loss against the
   loss on the whole batch's logits (`_scored_logits` and `training_loss`, as `fit` computed it before), measured with
   `torch.utils.benchmark` in one run.
Timings are from this machine, in this run; compare ratios, not seconds.
"""
import argparse, json, os, subprocess, sys
from pathlib import Path
import numpy as np

CHILD = r"""
import json, resource, sys, time, torch
import onestep.core as core
from transformers import LlamaConfig, AutoModelForCausalLM
B, N, V, elements = (int(a) for a in sys.argv[1:5])
if elements: core.LOGIT_ELEMENTS = {**core.LOGIT_ELEMENTS, "cpu": elements}
torch.manual_seed(0)
cfg = LlamaConfig(vocab_size=V, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                  num_key_value_heads=2, max_position_embeddings=2 * N + 8, tie_word_embeddings=True, initializer_range=0.3)
model = AutoModelForCausalLM.from_config(cfg, dtype=torch.float32).eval().requires_grad_(False)
model.onestep_name, model.onestep_start_id = f"tiny-llama-v{V}", 1  # token 1 as BOS
targets = torch.randint(0, V, (B, N), generator=torch.Generator().manual_seed(1))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
t0 = time.perf_counter()
core.fit(model, targets, recipe=core.Recipe(steps=1, lr=0.01), progress=False)
print(json.dumps({"before_gb": before, "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
                  "seconds": time.perf_counter() - t0}))
"""


def peak(B: int, N: int, V: int, elements: int = 0) -> dict:
    "Peak resident memory (GB) of one fit in a fresh process, one thread per process as the tests run."
    r = subprocess.run([sys.executable, "-c", CHILD, str(B), str(N), str(V), str(elements)], capture_output=True, text=True)
    if r.returncode: raise SystemExit(f"the fit of {B} x {N} failed: " + "\n".join(r.stderr.strip().splitlines()[-3:]))
    return json.loads(r.stdout.strip().splitlines()[-1])


def step_times(min_run_time: float) -> list[dict]:
    "Seconds per evaluation (forward and backward): chunked loss against the whole batch's logits, same shapes, same run."
    import torch
    from torch.utils import benchmark
    import onestep.core as core
    from onestep.models import load_model
    from transformers import LlamaConfig, AutoModelForCausalLM
    torch.manual_seed(0)
    big = AutoModelForCausalLM.from_config(LlamaConfig(vocab_size=128256, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=520, tie_word_embeddings=True), dtype=torch.float32)
    big.eval().requires_grad_(False)
    cases = [("smollm2-135m", load_model("smollm2-135m")[0], 16, 64), ("tiny-llama, V=128,256", big, 16, 256)]
    rows = []
    for name, model, B, N in cases:
        d, V = model.get_input_embeddings().embedding_dim, model.get_output_embeddings().out_features
        x = (torch.randn(B, N + 1, d) * 0.05).requires_grad_()
        tg = torch.randint(0, V, (B, N))
        def whole(): core.training_loss(core._scored_logits(model, x, N, None), tg).sum().backward()
        def chunked(): core.scored_loss(model, x, tg)[0].sum().backward()
        t = {k: benchmark.Timer("f()", globals={"f": f}).blocked_autorange(min_run_time=min_run_time).median
             for k, f in [("whole", whole), ("chunked", chunked), ("whole again", whole)]}
        w = min(t["whole"], t["whole again"])
        rows.append({"model": name, "B x N": f"{B} x {N}", "logit rows per chunk": max(1, core.LOGIT_ELEMENTS["cpu"] // V),
                     "whole batch (s)": f"{w:.3f}", "chunked (s)": f"{t['chunked']:.3f}", "chunked / whole": f"{t['chunked'] / w:.3f}",
                     "whole, repeated / first": f"{t['whole again'] / t['whole']:.3f}"})
    return rows


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--problems", type=int, default=256)
    ap.add_argument("--n", type=int, default=256)
    ap.add_argument("--vocab", type=int, default=128256)
    ap.add_argument("--small", default="4,8,16", help="batch sizes at which the whole-batch fit is measured")
    ap.add_argument("--min-run-time", type=float, default=10.0)
    ap.add_argument("--out", default="figures/bench_memory.md")
    a = ap.parse_args()
    os.environ["OMP_NUM_THREADS"] = os.environ.get("OMP_NUM_THREADS", "2")
    import pandas as pd
    from onestep.throughput import machine
    B, N, V = a.problems, a.n, a.vocab
    mem = []
    big = peak(B, N, V)
    mem.append({"fit": "chunked (default)", "B x N": f"{B} x {N}", "peak RSS (GB)": f"{big['peak_gb']:.2f}",
                "of which before the fit (GB)": f"{big['before_gb']:.2f}", "how": "measured"})
    pts = []
    for b in [int(s) for s in a.small.split(",")]:
        for label, el in [("chunked (default)", 0), ("whole batch", 2**62)]:
            r = peak(b, N, V, el)
            mem.append({"fit": label, "B x N": f"{b} x {N}", "peak RSS (GB)": f"{r['peak_gb']:.2f}",
                        "of which before the fit (GB)": f"{r['before_gb']:.2f}", "how": "measured"})
            if el: pts.append((b, r["peak_gb"]))
    slope, icept = np.polyfit(*zip(*pts), 1)
    mem.append({"fit": "whole batch", "B x N": f"{B} x {N}", "peak RSS (GB)": f"{slope * B + icept:.1f}",
                "of which before the fit (GB)": "", "how": f"extrapolated: {icept:.2f} + {slope:.3f} GB per problem"})
    fp32_logits = B * N * V * 4 / 1e9
    times = step_times(a.min_run_time)
    print(pd.DataFrame(mem).to_markdown(index=False))
    md = [f"# The memory-bounded loss\n",
          f"Machine: {machine('cpu')}. `python benchmarks/bench_memory.py --problems {B} --n {N} --vocab {V}` (one run).\n",
          f"## Peak resident memory of a fit\n",
          f"Tiny random Llama (2 layers, width 64), vocabulary {V:,}, 2 evaluations (one backward pass), each fit in a fresh "
          f"process. The whole batch's fp32 logits at {B} x {N} alone would take {fp32_logits:.1f} GB.\n",
          pd.DataFrame(mem).to_markdown(index=False), "",
          f"## Time per evaluation (forward and backward)\n",
          "The chunked loss against the whole batch's logits (the computation before chunking), measured side by side with "
          "`torch.utils.benchmark` (medians). The whole-batch loss is timed twice, before and after, to show the noise.\n",
          pd.DataFrame(times).to_markdown(index=False), ""]
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text("\n".join(md))
    print("\n".join(md))
