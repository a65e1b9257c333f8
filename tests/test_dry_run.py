"Dry runs of paper presets (their shapes on `dry:` models, offline texts, 2 evaluations per problem) go through their notebooks."
from pathlib import Path
import pytest
import papermill as pm
from onestep.plan import dry_run_params

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.parametrize("preset", [f"{s}.paper.yaml" for s in ("01_arrangement", "02_sharing", "03_capacity", "04_interpretation",
                                                                 "05_connectivity", "06_throughput")])
def test_a_paper_preset_runs_dry(preset, tmp_path):
    "Every paper preset through its notebook (scripts/dry_run.py runs them whole: figures/plan/dry_run.md). The capacity and throughput"
    " presets keep the first of their six models here, Pythia-160M (no BOS; the others' Llama adds one): all six take 7 minutes."
    section, p = dry_run_params(ROOT / "nbs" / "params" / preset, tmp_path / "store", tmp_path / "out")
    assert all(m.startswith("dry:") for m in p["models"]) and p["steps"] == 2 and p["batch_size"] == "auto"
    if len(p["models"]) > 2: p["models"] = p["models"][:1]
    pm.execute_notebook(str(ROOT / "nbs" / f"{section}.ipynb"), str(tmp_path / "out.ipynb"), parameters=p, progress_bar=False,
                        kernel_name="python3", cwd=str(tmp_path))
    assert len(list((tmp_path / "out").glob("*.md"))) >= 3  # its tables were written (empty ones say why)


@pytest.mark.slow
def test_a_preset_cell_runs_and_is_set_beside_the_plan(tmp_path):
    "benchmarks/preset_cell.py (for a GPU) on this CPU at a toy size: the 03 paper preset's four settings on `random:pythia-160m`."
    import subprocess, sys
    out = tmp_path / "cell.md"
    subprocess.run([sys.executable, "benchmarks/preset_cell.py", "--model", "pythia-160m", "--n", "8", "--texts", "2", "--steps", "2",
                    "--device", "cpu", "--out", str(out), "--work", str(tmp_path / "work")], cwd=ROOT, check=True)
    md = out.read_text()
    rows = [l.split("|")[1].strip() for l in md.splitlines() if l.startswith("| ") and "setting" not in l]
    assert rows == ["[mem] x1", "[mem] x2", "e_m", "e_m, m shared"], md  # the preset's methods, each fitted (share_m, mem_baselines)
    assert "GB measured (the notebook process's resident memory" in md and "GB planned for one batch" in md, md
    with pytest.raises(subprocess.CalledProcessError):  # a length the preset does not have: a clear error, before any work
        subprocess.run([sys.executable, "benchmarks/preset_cell.py", "--n", "300", "--device", "cpu", "--out", str(out)], cwd=ROOT, check=True,
                       capture_output=True)
