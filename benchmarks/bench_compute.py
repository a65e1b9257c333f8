"""Benchmark: what one evaluation costs under each compute setting, side by side in one run, and where its time goes.

    .venv/bin/python benchmarks/bench_compute.py [--model smollm2-135m] [--n 32] [--batches 16,8,4,1] [--out figures/bench_compute.md]

One evaluation is the engine's: the forward pass over [BOS, e, m, ..., m], the chunked loss, and the backward pass to the
vectors (`onestep.plan.measure_evaluation`'s work, timed here with `torch.utils.benchmark`). Settings: fp32 and bf16
autocast, each eager and with the model's base compiled (`torch.compile`, in place). For a compiled setting the table
also gives the first call at each batch size (compilation, or recompilation when a batch shrinks as its problems finish)
and the evaluations after which compiling has paid for itself against eager in the same dtype. Then `torch.profiler`
shows where an eager fp32 evaluation spends its time. Run nothing else meanwhile.
"""
import argparse, platform, time
from pathlib import Path
import torch
import torch.utils.benchmark as tb
from onestep.core import get_arrangement, prefix_embedding, embedding_std, scored_loss, _build_inputs, device_name, AUTOCAST_WEIGHTS
from onestep.models import load_model, cpu_has_bf16, cpu_bf16_flags

ap = argparse.ArgumentParser()
ap.add_argument("--model", default="smollm2-135m")
ap.add_argument("--n", type=int, default=32)
ap.add_argument("--batches", default="16,8,4,1")
ap.add_argument("--min-run-time", type=float, default=5.0, help="seconds each steady-state measurement repeats for")
ap.add_argument("--out", default="figures/bench_compute.md")
a = ap.parse_args()
batches = [int(b) for b in a.batches.split(",")]
arr = get_arrangement("e_m")


def evaluation(model, B: int, autocast):
    "A closure running one evaluation of B problems (fixed random vectors and targets)."
    emb = model.get_input_embeddings(); d, V = emb.embedding_dim, emb.num_embeddings
    g = torch.Generator().manual_seed(0)
    e = (torch.randn(B, d, generator=g) * embedding_std(model)).requires_grad_()
    m = (torch.randn(B, d, generator=g) * embedding_std(model)).requires_grad_()
    tg = torch.randint(0, V, (B, a.n), generator=g)
    pre = prefix_embedding(model, "bos")
    def one():
        loss, _, _ = scored_loss(model, _build_inputs(arr, a.n, e, m, None, pre), tg, autocast)
        loss.sum().backward(); e.grad = m.grad = None
    return one


settings = [("fp32", None, False), ("bf16 autocast", torch.bfloat16, False), ("fp32 compiled", None, True), ("bf16 autocast compiled", torch.bfloat16, True)]
rows = {}
for label, ac, comp in settings:
    model, _ = load_model(a.model)  # a fresh model per setting: no compiled state carried over
    if comp: model.base_model.compile()
    first, steady = {}, {}
    for B in batches:
        one = evaluation(model, B, ac)
        t0 = time.perf_counter(); one(); first[B] = time.perf_counter() - t0  # compiled: includes (re)compilation
        steady[B] = tb.Timer("one()", globals={"one": one}, num_threads=torch.get_num_threads()).blocked_autorange(min_run_time=a.min_run_time).median
    rows[label] = (first, steady)
    print(label, {B: f"{steady[B]:.3f}" for B in batches}, flush=True)
    del model

cols = [f"B={B}" for B in batches]
_bf16 = ", ".join(cpu_bf16_flags())  # AMX: bf16 matrix tiles, which oneDNN uses for bf16 matmuls
lines = [f"# Compute settings ({a.model}, {device_name('cpu')} ({platform.machine()}){f', bf16 instructions: {_bf16}' if cpu_has_bf16() else ''}, "
         f"torch {torch.__version__}, {torch.get_num_threads()} threads, bf16 weights {AUTOCAST_WEIGHTS})", "",
         f"One evaluation (forward, chunked loss, backward to the vectors) at N = {a.n}, median seconds over at least {a.min_run_time:.0f} s of "
         f"repeats (`torch.utils.benchmark`), and its speed relative to eager fp32 at the same batch size:", "",
         "| setting | " + " | ".join(cols) + " | " + " | ".join(f"vs fp32, {c}" for c in cols) + " |", "|---|" + "---|" * (2 * len(cols))]
base = rows["fp32"][1]
for label, (first, steady) in rows.items():
    lines.append(f"| {label} | " + " | ".join(f"{steady[B]:.3f}" for B in batches) + " | " + " | ".join(f"{base[B] / steady[B]:.2f}x" for B in batches) + " |")
lines += ["", "Compiled settings: the first call at each batch size, in the order run (compilation, then a recompilation for each new "
          "batch size, as a batch shrinks when its problems finish), and the evaluations at that batch size after which compiling "
          "has paid for itself against eager in the same dtype:", "",
          "| setting | " + " | ".join(f"first call, {c}" for c in cols) + " | " + " | ".join(f"pays back after, {c}" for c in cols) + " |",
          "|---|" + "---|" * (2 * len(cols))]
for label, eager in [("fp32 compiled", "fp32"), ("bf16 autocast compiled", "bf16 autocast")]:
    first, steady = rows[label]; e = rows[eager][1]
    pay = [(first[B] - steady[B]) / (e[B] - steady[B]) if e[B] > steady[B] else float("inf") for B in batches]
    lines.append(f"| {label} | " + " | ".join(f"{first[B]:.1f} s" for B in batches) + " | " + " | ".join("never" if p == float("inf") else f"{max(p, 0):.0f}" for p in pay) + " |")

# where the time goes: eager fp32 at the first batch size
model, _ = load_model(a.model)
one = evaluation(model, batches[0], None)
one()
from torch.profiler import profile, ProfilerActivity
with profile(activities=[ProfilerActivity.CPU]) as prof:
    for _ in range(3): one()
table = prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=15, max_name_column_width=40)
lines += ["", f"`torch.profiler`, eager fp32, B={batches[0]}, N={a.n}, 3 evaluations (self CPU time, top 15 operators):", "", "```", table.strip(), "```", ""]
text = "\n".join(lines)
print(text)
Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(text)
