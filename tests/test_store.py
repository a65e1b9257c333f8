"The results store: atomic writes, resume after kill -9, damaged files, concurrent writers."
import math, os, signal, subprocess, sys, textwrap, time
from pathlib import Path
import pytest, torch
from onestep.core import Recipe, take_tokens
from onestep.models import load_model
from onestep.store import Job, Store, run_jobs, plan_batches, share_groups, project_root, resolve

SWEEP = textwrap.dedent("""
    import sys
    from onestep.models import load_model
    from onestep.core import Recipe
    from onestep.store import Job, Store, run_jobs
    from onestep.data import random_texts
    from onestep.core import take_tokens
    model, tok = load_model("tiny-llama")
    jobs = [Job("tiny-llama", t.id, tuple(take_tokens(t.text, tok, 8)), recipe=Recipe(steps=150, lr=0.1), seed=s)
            for t in random_texts(int(sys.argv[2]), n_words=8) for s in (0, 1)]
    df = run_jobs(jobs, model, Store(sys.argv[1]), batch_size=1, progress=False)
    print("DONE", len(df))
""")


def _jobs(tok, n_texts):
    from onestep.data import random_texts
    return [Job("tiny-llama", t.id, tuple(take_tokens(t.text, tok, 8)), recipe=Recipe(steps=150, lr=0.1), seed=s)
            for t in random_texts(n_texts, n_words=8) for s in (0, 1)]


ENV = {**os.environ, "OMP_NUM_THREADS": "1"}  # two processes on two cores: no thread oversubscription


def _files(root): return sorted(Path(root).glob("*/*.safetensors"))


def test_kill_9_mid_sweep_then_resume(tmp_path):
    n_texts = 30
    p = subprocess.Popen([sys.executable, "-c", SWEEP, str(tmp_path), str(n_texts)], env=ENV, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    t0 = time.time()
    while len(_files(tmp_path)) < 3 and time.time() - t0 < 300 and p.poll() is None: time.sleep(0.05)
    os.kill(p.pid, signal.SIGKILL); p.wait()
    done_before = len(_files(tmp_path))
    assert 3 <= done_before < 2 * n_texts, f"kill came at the wrong moment ({done_before} results)"
    model, tok = load_model("tiny-llama")
    jobs = _jobs(tok, n_texts)
    store = Store(tmp_path)
    todo = [j for j in jobs if not store.has(j.key())]
    assert len(todo) == 2 * n_texts - done_before  # finished work is not redone
    df = run_jobs(jobs, model, store, batch_size=4, progress=False)
    assert len(df) == 2 * n_texts and df.key.is_unique
    assert sorted(f.stem for f in _files(tmp_path)) == sorted(j.key() for j in jobs)  # each exactly once
    for f in _files(tmp_path): assert store.get(f.stem) is not None  # none corrupted


def test_damaged_and_partial_files_are_ignored_and_recomputed(tmp_path):
    model, tok = load_model("tiny-llama")
    jobs = _jobs(tok, 2)
    store = Store(tmp_path)
    run_jobs(jobs, model, store, progress=False)
    bad = store.path(jobs[0].key())
    bad.write_bytes(bad.read_bytes()[:100])  # truncated file
    (bad.parent / f".{bad.name}.999.tmp").write_bytes(b"half written")  # a writer's leftover
    with pytest.warns(UserWarning, match="unreadable"): assert not store.has(jobs[0].key())
    with pytest.warns(UserWarning): df = run_jobs(jobs, model, store, progress=False)
    assert len(df) == 4 and store.get(jobs[0].key()) is not None
    assert len(store.keys()) == 4


def test_two_processes_writing_one_store(tmp_path):
    ps = [subprocess.Popen([sys.executable, "-c", SWEEP, str(tmp_path), "6"], env=ENV, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in ps:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0 and "DONE 12" in out, err[-2000:]
    store = Store(tmp_path)
    assert len(store.keys()) == 12 and all(store.get(k) is not None for k in store.keys())
    assert not list(tmp_path.rglob("*.tmp"))


def test_keys_change_with_anything_that_changes_the_result():
    j = Job("m", "t", (1, 2, 3))
    variants = [Job("m2", "t", (1, 2, 3)), Job("m", "t", (1, 2, 4)), Job("m", "t", (1, 2, 3), seed=1),
                Job("m", "t", (1, 2, 3), arrangement="e_m_unguided"), Job("m", "t", (1, 2, 3), recipe=Recipe(lr=0.02)),
                Job("m", "t", (1, 2, 3), m_group="g")]
    assert len({v.key() for v in variants} | {j.key()}) == len(variants) + 1
    assert Job("m", "t", (1, 2, 3)).key() == j.key()


def test_plan_batches_keeps_groups_whole_and_separates_lengths():
    jobs = [Job("m", f"t{i}", tuple(range(n))) for i in range(5) for n in (3, 4)]
    shared = share_groups([j for j in jobs if j.n == 3], size=3)
    b = plan_batches(shared + [j for j in jobs if j.n == 4], batch_size=4)
    for batch in b:
        assert len({j.n for j in batch}) == 1
    groups = {}
    for k, batch in enumerate(b):
        for j in batch:
            if j.m_group: groups.setdefault(j.m_group, set()).add(k)
    assert all(len(v) == 1 for v in groups.values()) and len(groups) == 2


def test_paths_resolve_from_the_project_root(monkeypatch, tmp_path):
    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root / "nbs")
    assert project_root() == root and resolve("figures") == root / "figures"
    monkeypatch.chdir(tmp_path)
    assert resolve("x") == tmp_path / "x"


def test_a_group_interrupted_between_members_is_refitted_whole(tmp_path, monkeypatch):
    model, tok = load_model("tiny-llama")
    jobs = share_groups(_jobs(tok, 2), size=4, which="m")  # 2 texts x 2 seeds share one m
    store, real_put, written = Store(tmp_path), Store.put, []
    def dying_put(self, key, sol):  # the process dies right after the first member's write
        if written: raise KeyboardInterrupt
        written.append(key); return real_put(self, key, sol)
    monkeypatch.setattr(Store, "put", dying_put)
    with pytest.raises(KeyboardInterrupt): run_jobs(jobs, model, store, progress=False)
    monkeypatch.setattr(Store, "put", real_put)
    assert len(store.keys()) == 1
    run_jobs(jobs, model, store, progress=False)
    ms = [store.get(j.key()).m for j in jobs]
    assert len(store.keys()) == 4 and all(torch.equal(m, ms[0]) for m in ms)  # one group, one m


def test_keys_change_with_the_compute_settings_and_the_results_version(monkeypatch):
    import onestep.store as st
    j = Job("m", "t", (1, 2, 3))
    assert len({j.key(), j.key("bfloat16"), j.key("float32+autocast:bfloat16")}) == 3
    model, _ = load_model("tiny-llama")
    assert st.compute_tag(model) == "float32" and st.compute_tag(model, torch.bfloat16) == "float32+autocast:bfloat16+confirmed"
    assert st.compute_tag(dtype="float32", autocast="bfloat16") == st.compute_tag(model, torch.bfloat16)  # by names (cluster shards)
    assert st.compute_tag(dtype=torch.bfloat16) == "bfloat16"
    before = j.key()
    monkeypatch.setattr(st, "RESULTS_VERSION", st.RESULTS_VERSION + 1)
    assert j.key() != before


def test_late_loss_drop_tells_a_stalled_run_from_a_cut_one():
    from onestep.store import late_loss_drop
    assert late_loss_drop([[0, 10.0], [1, 9.0], [2, 8.0], [4, 5.0], [8, 5.0], [10, 5.0]]) == 0.0  # flat since evaluation 4
    assert late_loss_drop([[0, 10.0], [4, 8.0], [8, 2.0]]) == pytest.approx(0.75)                  # still falling
    assert math.isnan(late_loss_drop([[0, 1.0]]))
