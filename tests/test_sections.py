"Papermill smoke runs of the section notebooks: tiny model, tiny parameters, outputs written, resumable, stable."
import hashlib
from pathlib import Path
import pytest
import papermill as pm

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"
COMMON = dict(models=["tiny-llama"], n_texts=2, seeds=[0], steps=40, lr=0.1, batch_size=8)
SECTIONS = {
    "03_capacity": (dict(models=["tiny-llama", "tiny-pythia"], sources=["random"], lengths=[2, 4], share_m=[False, True],
                         mem_baselines=[1, 2], text_seed=1),  # two models (with and without BOS) in one table; another draw of texts
                    ["table3.md", "table3.csv", "table3_vs_paper.md", "capacity_per_text.csv", "tried_per_length.md", "table3_misses.md",
                     "fig2_h_lm.png", "fig2_h_lm.svg"]),
    "01_arrangement": (dict(models=["tiny-pythia"], source="random", lengths=[1, 2, 4], arrangements=["e_only", "e_m", "e_m_unguided"]),
                       ["table1.md", "table1.csv", "table1_vs_paper.md", "table1_budget.md", "table1_misses.md", "accuracy_vs_length.png",
                        "accuracy_vs_length.svg"]),
    "02_sharing": (dict(models=["tiny-pythia"], source="random", n_texts=2, n=4, group_sizes=[1, 2], share=["e", "m"], heldout=1),
                   ["table2.md", "table2.csv", "table2_numeric.csv", "table2_vs_paper.md", "table2_budget.md", "table2_cost.md", "learned_m.md",
                    "accuracy_vs_group_size.png", "accuracy_vs_group_size.svg"]),
    "04_interpretation": (dict(models=["tiny-pythia"], source="random", n_contexts=3, continuations=3, seeds_last=[0, 1, 2], n=6,
                               m_texts=3, steps=200, lr=0.1, bins=3),
                          ["fig4_distances.md", "fig4_distances.png", "fig4_distances.svg", "solved.md", "fig5_token_bins.md",
                           "fig5_semantic_bins.md", "fig5_distance_vs_text_distance.png", "direction_or_norm.md"]),
    "05_connectivity": (dict(models=["tiny-llama"], source="random", n_texts=2, seeds=[0, 1, 2], n=6, m_texts=2, steps=300,
                             curve_steps=40, grid=11, cross_pairs=1),
                         ["fig6_connectivity.md", "fig6_connectivity.csv", "fig6_accuracy_along_t.md", "fig6_connectivity.png",
                          "fig6_connectivity.svg", "between_texts.md", "curve_lengths.md"]),
    "07_recipe": (dict(model="tiny-llama", sources=["random", "shakespeare"], n_texts=2, lengths=[4, 8], budget=40,
                       candidates=["paper", "lr 0.1", "lr 0.1, warm start", "fast"], batch_size=8),
                  ["recipe_costs.md", "recipe_costs.csv", "recipe_costs_numbers.csv", "solved_vs_evaluations.png",
                   "solved_vs_evaluations.svg"]),
}
OWN_PARAMS = {"04_interpretation", "05_connectivity", "07_recipe"}  # sections whose parameters are not the COMMON ones'
# Tokenizer conventions: 01, 02 and 04 run on tiny-pythia (no BOS, as the paper's Pythia models), 05 and 07 on tiny-llama (BOS),
# 03 on both in one table; nbdev_test runs 03 on SmolLM2 (BOS), and with `--flags slow` every section.



@pytest.mark.slow
def test_throughput_decodes_the_capacity_sections_solutions(tmp_path):
    "06_throughput times the solutions 03_capacity stored: with the same settings it finds them all and computes nothing."
    cap = dict(models=["tiny-pythia"], sources=["random"], n_texts=2, lengths=[2, 4], seeds=[0], steps=100,  # no BOS: [mem] is given t1
               share_m=[False], mem_baselines=[1], batch_size=8)
    tp = dict(models=["tiny-pythia"], sources=["random"], n_texts=2, capacity_lengths=[2, 4], seeds=[0], steps=100,
              lengths=[4, 8], batch_sizes=[1, 2], min_run_time=0.01, batch_size=8)
    store = tmp_path / "store"
    _execute("03_capacity", tmp_path, {**cap, "store_dir": str(store), "out_dir": str(tmp_path / "cap")})
    n_results = len(list(store.glob("*/*.safetensors")))
    _execute("06_throughput", tmp_path, {**tp, "store_dir": str(store), "out_dir": str(tmp_path / "tp")})
    assert len(list(store.glob("*/*.safetensors"))) == n_results
    import pandas as pd
    dec = pd.read_csv(tmp_path / "tp" / "decodes.csv")
    assert set(dec.method) == {"one forward", "AR: KV-cache loop", "AR: generate", "AR: generate, static cache"}
    assert dec.exact.all()  # every decoder reproduces the reconstructed texts
    for f in ["fig3_throughput.md", "fig3_throughput.csv", "time_vs_length.md", "fig3_throughput.png", "machine.txt"]:
        assert (tmp_path / "tp" / f).stat().st_size > 0, f
    _assert_recorded(tmp_path / "tp", "06_throughput", tp)


def _execute(name, tmp_path, params):
    return pm.execute_notebook(str(NBS / f"{name}.ipynb"), str(tmp_path / f"{name}.out.ipynb"), parameters=params,
                               progress_bar=False, kernel_name="python3", cwd=str(tmp_path))


def _run(name, tmp_path, **over):
    tmp_path.mkdir(parents=True, exist_ok=True)
    params, _ = SECTIONS[name]
    p = {**({} if name in OWN_PARAMS else COMMON), **params, "store_dir": str(tmp_path / "store"), "out_dir": str(tmp_path / "out"), **over}
    return pm.execute_notebook(str(NBS / f"{name}.ipynb"), str(tmp_path / f"{name}.out.ipynb"), parameters=p,
                               progress_bar=False, kernel_name="python3", cwd=str(tmp_path))


def _digest(d): return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(Path(d).iterdir()) if f.name != "run.json"}  # run.json: when it ran


def _assert_recorded(out, name, params):
    "run.json beside a section's outputs names the notebook and the parameters it ran with."
    import json
    r = json.loads((Path(out) / "run.json").read_text())
    assert r["notebook"] == name and all(r["parameters"][k] == v for k, v in params.items()), r


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SECTIONS))
def test_section_runs_resumes_and_is_byte_stable(name, tmp_path):
    _run(name, tmp_path)
    out = tmp_path / "out"
    for f in SECTIONS[name][1]: assert (out / f).stat().st_size > 0, f
    _assert_recorded(out, name, SECTIONS[name][0])
    first = _digest(out)
    n_results = len(list((tmp_path / "store").glob("*/*.safetensors")))
    assert n_results > 0
    _run(name, tmp_path)  # resumes from the store: nothing new is computed, outputs are identical bytes
    assert len(list((tmp_path / "store").glob("*/*.safetensors"))) == n_results
    assert _digest(out) == first
    if name == "05_connectivity":  # paths when two solutions of a text are exact; else empty tables that say why (CPU-dependent)
        import pandas as pd
        assert len(pd.read_csv(out / "fig6_connectivity.csv")) or "no pair of exact solutions" in (out / "fig6_connectivity.md").read_text()
    if name == "03_capacity":  # one Table 3 across both models
        import pandas as pd
        assert set(pd.read_csv(out / "table3.csv").model) == {"tiny-llama", "tiny-pythia"}
        assert pd.read_csv(out / "capacity_per_text.csv").text_id.str.startswith("random/s1/").all()  # the texts `text_seed` drew
    nb = (tmp_path / f"{name}.out.ipynb").read_text()
    assert "injected-parameters" in nb  # papermill recorded the parameters
    _assert_reads_cleanly(tmp_path / f"{name}.out.ipynb")


# Sections not in SECTIONS: nbdev_test leaves every section's experiment half (cells flagged `#| slow`) to
# `nbdev_test --flags slow`, except the capacity section's (the main job); each runs end to end here on a tiny model.
TINY_RUNS = {
    "08_long": (dict(model="tiny-llama", n_chars=60, chunk=8, m_chunks=2, steps=40), "solution_path", "long.safetensors",
                ["long_text.md", "long_text_chunks.md"]),
    "10_encoder": (dict(model="tiny-llama", sources=["random"], texts=10, held_out=2, lengths=[4], hidden=16, steps=6, batch=4,
                        eval_every=3, budget=20), "encoder_path", "encoder.safetensors",
                   ["zero_step.md", "warm_start.md", "training.md", "encoder.png"]),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TINY_RUNS))
def test_section_runs_end_to_end_on_a_tiny_model(name, tmp_path):
    params, key, file, outputs = TINY_RUNS[name]
    p = {**params, key: str(tmp_path / file), "out_dir": str(tmp_path / "out"),
         **({"store_dir": str(tmp_path / "store")} if name != "08_long" else {})}
    _execute(name, tmp_path, p)
    assert (tmp_path / file).stat().st_size > 0
    for f in outputs: assert (tmp_path / "out" / f).stat().st_size > 0, f
    _assert_recorded(tmp_path / "out", name, params)
    _assert_reads_cleanly(tmp_path / f"{name}.out.ipynb")


def _assert_reads_cleanly(path, max_bytes=1_500_000):
    "An executed notebook holds what its reader asked for: no stderr, no progress text, no warnings; progress as widgets."
    import json
    nb = json.loads(Path(path).read_text())
    streams = [(o["name"], "".join(o["text"])) for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "stream"]
    noise = [t[:200] for n, t in streams if n == "stderr" or any(w in t for w in ("it/s]", "eval/s]", "Warning", "IProgress", "Loading weights"))]
    assert not noise, noise
    size = Path(path).stat().st_size
    assert size < max_bytes, f"{path.name}: {size} bytes of outputs"


def _check_only(name, **over):
    "A section's parameter checks in this process: its library cells, its parameters cell, the overrides, then its check cell."
    import json
    cells = [c for c in json.loads((NBS / f"{name}.ipynb").read_text())["cells"] if c["cell_type"] == "code"]
    i = next(k for k, c in enumerate(cells) if "parameters" in c["metadata"].get("tags", []))
    ns = {}
    for c in cells[:i]:
        if "".join(c["source"]).startswith("#| export"): exec("".join(c["source"]), ns)
    exec("".join(cells[i]["source"]), ns); ns.update(over)
    exec("".join(cells[i + 1]["source"]), ns)  # every section checks its parameters in the cell after them, before any compute


@pytest.mark.slow
def test_wrong_parameter_type_is_a_clear_error(tmp_path):
    # through papermill and a kernel, as a user runs it: the error names the parameter
    with pytest.raises(pm.PapermillExecutionError, match="parameter 'n_texts' must be int"):
        _run("03_capacity", tmp_path, n_texts="two")
    # the other checks in this process (the same cells, without a kernel's start): one line that says what to pass
    for name, over, msg in [("01_arrangement", dict(arrangements=["e_m", "diagonal"]), "Unknown arrangement"),
                            ("03_capacity", dict(recipe="quick"), "unknown recipe 'quick'"),
                            ("02_sharing", dict(recipe_fields={"restrat": 0}), r"unknown recipe field\(s\) \['restrat'\]"),
                            ("06_throughput", dict(recipe_fields={"steps": 9}), r"\['steps'\] are set by their own parameter"),
                            ("05_connectivity", dict(recipe_fields=[0]), "parameter 'recipe_fields' must be dict"),
                            ("02_sharing", dict(n_texts=3, group_sizes=[1, 2]), "group size 2 does not divide n_texts=3"),
                            ("07_recipe", dict(candidates=["paper", "adam"]), r"unknown candidate\(s\) \['adam'\]"),
                            ("03_capacity", dict(lengths=[]), "parameter 'lengths' is empty"),
                            ("01_arrangement", dict(seeds=[0, 0]), r"parameter 'seeds' repeats \[0\]"),
                            ("05_connectivity", dict(autocast="bf16"), "parameter 'autocast' must be one of"),
                            ("05_connectivity", dict(curve_points=0), "curve_points must be >= 1"),
                            ("05_connectivity", dict(curve_lr=-0.1), r"\(curve_lr\) must be >= 0"),
                            ("04_interpretation", dict(device="tpu"), "parameter 'device' must be"),
                            ("10_encoder", dict(pool="max"), "pool must be one of"),
                            ("10_encoder", dict(texts="many"), "parameter 'texts' must be int")]:
        with pytest.raises((ValueError, TypeError), match=msg):
            _check_only(name, **over)
    for name in ["01_arrangement", "03_capacity", "05_connectivity", "10_encoder"]: _check_only(name)  # the defaults pass


@pytest.mark.slow
def test_a_section_on_submitit_local_fills_the_store_as_the_local_run_does(tmp_path):
    "The capacity section with executor 'submitit-local' (tasks in subprocesses): the same stored keys and table as in-process."
    import pandas as pd
    _run("03_capacity", tmp_path / "local", store_dir=str(tmp_path / "local" / "store"), out_dir=str(tmp_path / "local" / "out"),
         models=["tiny-llama"], share_m=[False], mem_baselines=[1])
    _run("03_capacity", tmp_path / "sub", store_dir=str(tmp_path / "sub" / "store"), out_dir=str(tmp_path / "sub" / "out"),
         models=["tiny-llama"], share_m=[False], mem_baselines=[1], executor="submitit-local",
         cluster={"shards": 2, "poll_s": 0.5, "folder": str(tmp_path / "submitit")})
    keys = lambda d: sorted(p.stem for p in (tmp_path / d / "store").glob("*/*.safetensors"))
    assert keys("local") == keys("sub") and keys("local")
    assert list((tmp_path / "submitit").iterdir())  # the tasks ran through submitit
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "local" / "out" / "table3.csv"), pd.read_csv(tmp_path / "sub" / "out" / "table3.csv"))
    with pytest.raises(pm.PapermillExecutionError, match="executor must be 'local', 'slurm' or 'submitit-local'"):
        _run("03_capacity", tmp_path / "bad", executor="sge")


@pytest.mark.slow
def test_capacity_fits_e_alone_against_each_shared_fit_left_unsolved(tmp_path):
    "With `e_alone`, each shared-m fit left unsolved gets a fit of its e alone against its m, frozen, in e_alone.csv."
    import pandas as pd
    # a budget of 2 evaluations at a learning rate that barely moves the vectors: the shared fits are left unsolved
    _run("03_capacity", tmp_path, models=["tiny-llama"], lengths=[4], share_m=[True], mem_baselines=[], steps=2, lr=1e-6, e_alone=True)
    tried = pd.read_csv(tmp_path / "out" / "tried_per_length.csv")
    unsolved = sum(int(b) - int(a) for a, b in (c.split("/") for c in tried["N=4"]))  # 'reconstructed/tried' per method
    alone = pd.read_csv(tmp_path / "out" / "e_alone.csv")
    assert unsolved > 0 and len(alone) == unsolved, (tried, alone)
    assert (alone.n == 4).all() and alone["evaluations, e alone"].between(1, 3).all()
    _assert_reads_cleanly(tmp_path / "03_capacity.out.ipynb")


@pytest.mark.slow
def test_capacity_plots_the_texts_of_other_runs_beside_its_own(tmp_path):
    "`compare_runs`: Fig 2 takes the texts of another run's folder (e.g. another model's) beside this run's; a folder without a run fails first."
    import pandas as pd
    from onestep.report import save_table
    other = tmp_path / "other"  # a finished run's capacity_per_text, of a model this run does not load
    save_table(pd.DataFrame({"model": "other-model", "source": "random", "text_id": ["random/s0/0"] * 2, "method": ["[mem] x2", "one-step"],
                             "h_lm": [3.0, 4.0], "c_tokens": [2, 2], "capacity": [2, 2]}), other, "capacity_per_text")
    with pytest.raises(FileNotFoundError, match="compare_runs"):
        _check_only("03_capacity", compare_runs=[str(tmp_path / "nowhere")])
    _run("03_capacity", tmp_path, models=["tiny-llama"], n_texts=1, lengths=[2], share_m=[False], mem_baselines=[2], steps=5,
         compare_runs=[str(other)])
    assert (tmp_path / "out" / "fig2_h_lm.png").stat().st_size > 0
    assert set(pd.read_csv(tmp_path / "out" / "table3.csv").model) == {"tiny-llama"}  # the tables stay this run's
    assert f"beside other-model ({other})" in (tmp_path / "03_capacity.out.ipynb").read_text()
    _assert_reads_cleanly(tmp_path / "03_capacity.out.ipynb")
