"""GPU check of the cuda and bf16-autocast paths, and of the fit's peak memory at the paper's vocabulary size.

    python benchmarks/gpu_check.py [--out figures/gpu_check.md]

Needs a CUDA device. Part 1 fits short texts on the two tiny test models (with and without BOS) on the GPU, in fp32
and under bf16 autocast, decodes every solution under the settings it was trained with (the decode of record), and
decodes the same vectors again on the CPU in fp32 (what a login node without a GPU sees): the table says how often
the two disagree. Part 2 fits a batch at the paper's largest shapes (vocabulary 128,256, as Llama-3) on a tiny random
model, with the loss chunked (the default) and on the whole batch's logits, and prints the peak GPU memory of each beside
the size of the batch's fp32 logits.
Numbers are from this machine, in this run.
"""
import argparse, platform, time
from dataclasses import replace
from pathlib import Path
import torch
from onestep.core import FAST_RECIPE, fit, reconstruct, take_tokens
from onestep.models import load_model
from onestep.throughput import machine

ap = argparse.ArgumentParser()
ap.add_argument("--out", default="figures/gpu_check.md")
ap.add_argument("--n", type=int, default=8)
ap.add_argument("--steps", type=int, default=400)
ap.add_argument("--memory-shapes", default="16x256,64x256,256x256", help="BxN batches for the memory part")
a = ap.parse_args()
assert torch.cuda.is_available(), "this check needs a CUDA device"

TEXTS = ["It was the best of times, it was the worst of times.", "Call me Ishmael. Some years ago, never mind how long.",
         "All happy families are alike; each unhappy family is", "In a hole in the ground there lived a hobbit, not a nasty",
         "The sky above the port was the colour of television,", "Happy families are all alike; every unhappy one is",
         "It is a truth universally acknowledged, that a single", "Whether I shall turn out to be the hero of my own life"]
lines = [f"GPU check on {machine('cuda')}.", "", f"**cuda and bf16 autocast on the tiny models** ({len(TEXTS)} texts, N={a.n}, "
         f"FAST_RECIPE with {a.steps} evaluations):", "",
         "| model | autocast | solved in training | decoded exact (GPU, as trained) | decoded exact (CPU, fp32) | decodes that differ | fit seconds |",
         "|---|---|---|---|---|---|---|"]
for name in ["tiny-llama", "tiny-pythia"]:
    gpu, tok = load_model(name, device="cuda")
    cpu, _ = load_model(name, device="cpu")
    ids = [take_tokens(t, tok, a.n) for t in TEXTS]
    for ac in [None, torch.bfloat16]:
        torch.cuda.synchronize(); t0 = time.perf_counter()
        sols = fit(gpu, ids, recipe=replace(FAST_RECIPE, steps=a.steps), autocast=ac, progress=False)
        torch.cuda.synchronize(); dt = time.perf_counter() - t0
        on_gpu = [reconstruct(gpu, s, ac) for s in sols]
        on_cpu = [reconstruct(cpu, s) for s in sols]
        differ = sum(g[0] != c[0] for g, c in zip(on_gpu, on_cpu))
        lines.append(f"| {name} | {ac or 'none'} | {sum(s.solved for s in sols)}/{len(sols)} | {sum(g[1] == 1 for g in on_gpu)}/{len(sols)} "
                     f"| {sum(c[1] == 1 for c in on_cpu)}/{len(sols)} | {differ} | {dt:.1f} |")
        print(lines[-1], flush=True)

lines += ["", "**Peak GPU memory of a fit at vocabulary 128,256** (a tiny random Llama: hidden 64, 2 layers; 2 evaluations, so one "
          "backward pass): the loss made a chunk of logit rows at a time (the default, `onestep.core.LOGIT_ELEMENTS`), against the "
          "whole batch's logits at once (one chunk):", "",
          "| batch x N | logits | peak GPU memory (GB) | fp32 logits of the batch (GB) | seconds |", "|---|---|---|---|---|"]
import onestep.core as core
from transformers import LlamaConfig, AutoModelForCausalLM
cfg = LlamaConfig(vocab_size=128256, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                  num_key_value_heads=2, max_position_embeddings=2048, bos_token_id=1, eos_token_id=2, tie_word_embeddings=True)
torch.manual_seed(0)
big = AutoModelForCausalLM.from_config(cfg, dtype=torch.float32).cuda().eval().requires_grad_(False)
big.onestep_name, big.onestep_start_id, big.onestep_text_prefix = "tiny-llama-128k", 1, [1]
default_elements = dict(core.LOGIT_ELEMENTS)
for shape in a.memory_shapes.split(","):
    B, N = map(int, shape.split("x"))
    tg = torch.randint(3, 128256, (B, N), generator=torch.Generator().manual_seed(0))
    for label, elements in [("chunked", default_elements["cuda"]), ("whole batch", 2**62)]:
        core.LOGIT_ELEMENTS = {**default_elements, "cuda": elements}
        torch.cuda.empty_cache(); torch.cuda.reset_peak_memory_stats(); torch.cuda.synchronize(); t0 = time.perf_counter()
        try:
            fit(big, tg, recipe=replace(FAST_RECIPE, steps=1, init="normal"), progress=False)
            peak = f"{torch.cuda.max_memory_allocated() / 1e9:.2f}"
        except torch.OutOfMemoryError as err:
            peak = f"out of memory ({str(err).splitlines()[0][:80]})"
        torch.cuda.synchronize()
        lines.append(f"| {B} x {N} | {label} | {peak} | {B * N * 128256 * 4 / 1e9:.1f} | {time.perf_counter() - t0:.2f} |")
        print(lines[-1], flush=True)
core.LOGIT_ELEMENTS = default_elements

# Part 3: a section's pipeline on cuda: the capacity search (one-step and [mem] x2) on the tokenizer without BOS, and its table
import tempfile
import pandas as pd
from onestep.capacity import capacity_search, text_capacity, table3, mem_recipe
from onestep.data import TextItem
from onestep.store import Store
pythia, ptok = load_model("tiny-pythia", device="cuda")
texts = [TextItem(f"check/{i}", t, "check") for i, t in enumerate(TEXTS)]
store, caps = Store(tempfile.mkdtemp()), []
for arr, rcp, method in [("e_m", FAST_RECIPE, "one-step"), ("mem2", mem_recipe(FAST_RECIPE), "[mem] x2")]:
    r = capacity_search(pythia, ptok, texts, [4, 8, 12], arr, replace(rcp, steps=a.steps), [0], False, store, progress=False,
                        autocast=torch.bfloat16)
    caps.append(text_capacity(r, pythia, ptok, texts, [4, 8, 12]).assign(model="tiny-pythia", source="check", method=method))
t3 = table3(pd.concat(caps, ignore_index=True))
lines += ["", f"**The capacity search on cuda under bf16 autocast** (tiny-pythia, no BOS: `[mem]` is given t1; lengths 4, 8, 12; "
          f"{a.steps} evaluations):", "", t3[[c for c in t3.columns if "C_tokens" in c]].to_markdown()]
print(lines[-1], flush=True)

lines += ["", f"torch {torch.__version__}, {platform.python_version()}."]
Path(a.out).parent.mkdir(parents=True, exist_ok=True)
Path(a.out).write_text("\n".join(lines) + "\n")
print("\n".join(lines))
