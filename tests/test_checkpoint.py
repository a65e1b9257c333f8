"A sweep killed with SIGKILL at a random point resumes from its batches' checkpoints and stores exactly what an uninterrupted sweep stores."
import os, random, signal, subprocess, sys, time
from pathlib import Path
import pytest
import torch

SWEEP = """
import sys
from onestep.models import load_model
from onestep.core import Recipe, take_tokens
from onestep.store import Job, Store, run_jobs
tiny, tok = load_model("tiny-llama")
texts = ["One small step for a man,", "Two big leaps for mankind!", "Red fish, blue fish, old f", "Call me Ishmael. Some year",
         "It was the best of times,", "All happy families are ali"]
jobs = [Job("tiny-llama", f"kill/{i}", tuple(take_tokens(t, tok, 12)), recipe=Recipe(steps=400, lr=0.02, init="embedding", restart=int(sys.argv[2])))
        for i, t in enumerate(texts)]
run_jobs(jobs, tiny, Store(sys.argv[1], checkpoint_every=10), batch_size=3, progress=False)
"""


def _sweep(store, restart=0):
    return subprocess.Popen([sys.executable, "-c", SWEEP, str(store), str(restart)], env={**os.environ, "OMP_NUM_THREADS": "1"})


def _results(store):
    from onestep.store import Store
    s = Store(store)
    return {k: s.get(k) for k in s.keys()}


@pytest.mark.slow
@pytest.mark.parametrize("restart", [0, 60])  # 60: problems unsolved after 60 steps start again from new vectors (`Recipe.restart`)
def test_a_sweep_killed_at_a_random_point_resumes_exactly(tmp_path, restart):
    assert _sweep(tmp_path / "whole", restart).wait() == 0
    p = _sweep(tmp_path / "killed", restart)
    ck = tmp_path / "killed" / "checkpoints"
    while p.poll() is None and not list(ck.glob("*.pt")): time.sleep(0.05)  # the first batch has checkpointed
    time.sleep(random.Random().uniform(0, 1.5))
    p.send_signal(signal.SIGKILL)
    assert p.wait() == -signal.SIGKILL, "the sweep ended before it could be killed: give it more work"
    left = list(ck.glob("*.pt"))
    print(f"killed with {len(_results(tmp_path / 'killed'))} of 6 results stored and {len(left)} checkpoint(s)")
    assert _sweep(tmp_path / "killed", restart).wait() == 0
    whole, again = _results(tmp_path / "whole"), _results(tmp_path / "killed")
    assert sorted(whole) == sorted(again) and len(whole) == 6
    for k, a in whole.items():
        b = again[k]
        assert torch.equal(a.e, b.e) and torch.equal(a.m, b.m), k
        assert (a.accuracy, a.evaluations, a.steps, a.loss_curve) == (b.accuracy, b.evaluations, b.steps, b.loss_curve), k
        assert a.meta.get("tries") == b.meta.get("tries") and a.meta.get("vectors_try") == b.meta.get("vectors_try"), k
    assert not list(ck.glob("*")), "no checkpoint is left once every batch finished"


@pytest.mark.parametrize("restart", [0, 15])  # with restarts, the schedule and the tries follow each problem's age: no budget in them
def test_a_larger_budget_continues_the_stored_batch(tmp_path, restart):
    "Through the installed module (not a notebook's namespace): budget 40 after 20 gives what budget 40 gives from scratch."
    from dataclasses import replace
    from onestep.core import Recipe, take_tokens
    from onestep.models import load_model
    from onestep.store import Job, Store, run_jobs
    tiny, tok = load_model("tiny-llama")
    jobs = lambda steps: [Job("tiny-llama", f"b/{i}", tuple(take_tokens(t, tok, 10)), recipe=Recipe(steps=steps, lr=0.02, restart=restart))
                          for i, t in enumerate(["A larger budget, then", "Another text to fit."])]
    whole, ext = Store(tmp_path / "whole"), Store(tmp_path / "ext")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: the same floating-point order in every run, whatever else loads the machine
    try:
        run_jobs(jobs(40), tiny, whole, progress=False)
        run_jobs(jobs(20), tiny, ext, progress=False)
        run_jobs(jobs(40), tiny, ext, progress=False)
    finally: torch.set_num_threads(threads)
    for j in jobs(40):
        a, b = whole.get(j.key()), ext.get(j.key())
        assert torch.equal(a.e, b.e) and torch.equal(a.m, b.m) and a.evaluations == b.evaluations == 41
        assert a.meta.get("tries") == b.meta.get("tries") and (a.meta.get("tries") == (3 if restart else None) or a.solved)  # 16 + 16 + 9
    assert ext.checkpoint_bytes()["checkpoints"] == 0 and ext.checkpoint_bytes()["extend"] > 0


def test_dropping_a_checkpoint_removes_what_a_killed_write_left(tmp_path):
    from onestep.core import Checkpoint
    ck = Checkpoint(tmp_path / "b.pt")
    ck.save({"x": torch.ones(2)})
    gone = subprocess.Popen(["true"]); gone.wait()  # a writer that has ended
    live = subprocess.Popen(["sleep", "60"])  # and one still writing
    try:
        (tmp_path / f".b.pt.{gone.pid}.tmp").write_bytes(b"half a file")  # a process killed between torch.save and the rename
        (tmp_path / f".b.json.{gone.pid}.tmp").write_text("{\"ke")  # or while naming the batch's jobs
        (tmp_path / f".other.pt.{gone.pid}.tmp").write_bytes(b"another batch's")
        (tmp_path / f".b.pt.{live.pid}.tmp").write_bytes(b"being written")  # another process's save of this batch, not yet renamed
        assert torch.equal(ck.load()["x"], torch.ones(2))
        ck.drop()
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f".other.pt.{gone.pid}.tmp", f".b.pt.{live.pid}.tmp"])
    finally: live.kill(); live.wait()
