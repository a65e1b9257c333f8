"""Benchmark: bf16 autocast on a CPU with the frozen weights cast at every call (autocast alone) against cast once and kept
(`onestep.core.autocasting`), side by side in one run, with fp32 beside them; and whether the two autocast settings give
the same numbers.

    .venv/bin/python benchmarks/bench_cast.py [--models smollm2-135m,gemma3-270m] [--out figures/bench_cast.md]

Per model, three pieces of work: one evaluation of the engine (the forward pass over [BOS, e, m, ..., m] of a batch, the
chunked loss and the backward pass to the vectors), a one-step decode (one forward pass), and a `[mem]` decode (greedy,
token by token over the KV cache). Each is timed with `torch.utils.benchmark` under each setting. 'same numbers' compares
the two autocast settings' outputs (losses and gradients, or token ids) for exact equality. Run nothing else meanwhile.
"""
import argparse
from pathlib import Path
import torch
import torch.utils.benchmark as tb
import onestep.core as core
from onestep.core import get_arrangement, prefix_embedding, embedding_std, scored_loss, _build_inputs, decode, given_tokens
from onestep.models import load_model
from onestep.throughput import machine

ap = argparse.ArgumentParser()
ap.add_argument("--models", default="smollm2-135m,gemma3-270m")
ap.add_argument("--batch", type=int, default=3, help="problems in the evaluation")
ap.add_argument("--n", type=int, default=64, help="tokens of the evaluation and of the [mem] decode")
ap.add_argument("--n-decode", type=int, default=128, help="tokens of the one-step decode")
ap.add_argument("--min-run-time", type=float, default=2.0, help="seconds each measurement repeats for")
ap.add_argument("--out", default="figures/bench_cast.md")
a = ap.parse_args()

KEPT, EACH_CALL = core._swap_linears, lambda *args: None  # kept copies (the package), or none: autocast alone
SETTINGS = {"fp32": (None, KEPT), "bf16 autocast, weights cast at every call": (torch.bfloat16, EACH_CALL),
            "bf16 autocast, weights cast once and kept": (torch.bfloat16, KEPT)}


def work(model):
    "The three pieces of work, each a function of the autocast dtype returning what it computed."
    d, V = model.get_input_embeddings().embedding_dim, model.get_output_embeddings().out_features
    g = torch.Generator().manual_seed(0)
    e, m = ((torch.randn(a.batch, d, generator=g) * embedding_std(model)) for _ in range(2))
    tg = torch.randint(0, V, (a.batch, a.n), generator=g)
    pre, arr = prefix_embedding(model, "bos"), get_arrangement("e_m")
    given = tg[:1, :1] if given_tokens(model, "mem2") else None
    def evaluation(ac):
        x = _build_inputs(arr, a.n, e, m, None, pre).requires_grad_()
        loss, _, _ = scored_loss(model, x, tg, ac)
        return [loss.detach(), torch.autograd.grad(loss.sum(), x)[0]]
    return {f"evaluation, batch {a.batch}, N = {a.n}": evaluation,
            f"one-step decode, N = {a.n_decode}": lambda ac: [decode(model, e[:1], m[:1], "e_m", a.n_decode, autocast=ac)],
            f"[mem] decode (KV cache), N = {a.n}": lambda ac: [decode(model, e[:1], m[:1], "mem2", a.n, given=given, autocast=ac)]}


lines = [f"# bf16 autocast: weights cast at every call, or once and kept\n", f"Measured on: {machine('cpu')}\n",
         "| model | work | " + " | ".join(f"{s}, s" for s in SETTINGS) + " | every call / kept | same numbers |", "|" + "---|" * (len(SETTINGS) + 4)]
for name in a.models.split(","):
    model, _ = load_model(name)
    for label, f in work(model).items():
        secs, outs = {}, {}
        for s, (ac, swap) in SETTINGS.items():
            core._swap_linears = swap
            try:
                outs[s] = f(ac)  # (also the warm-up)
                secs[s] = tb.Timer("f(ac)", globals={"f": f, "ac": ac}, num_threads=torch.get_num_threads()).blocked_autorange(min_run_time=a.min_run_time).median
            finally: core._swap_linears = KEPT
        each, kept = (list(SETTINGS)[1:])
        same = all(torch.equal(x, y) for x, y in zip(outs[each], outs[kept]))
        lines.append(f"| {name} | {label} | " + " | ".join(f"{secs[s]:.3f}" for s in SETTINGS) + f" | {secs[each] / secs[kept]:.2f} | {'yes' if same else 'no'} |")
        print(lines[-1], flush=True)
    del model
Path(a.out).write_text("\n".join(lines) + "\n")
print(f"wrote {a.out}")
