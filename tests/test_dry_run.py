"Dry runs of paper presets (their shapes on `dry:` models, offline texts, 2 evaluations per problem) go through their notebooks."
from pathlib import Path
import pytest
import papermill as pm
from onestep.plan import dry_run_params

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["04_interpretation.paper.yaml"])  # the others: scripts/dry_run.py (figures/plan/dry_run.md)
def test_a_paper_preset_runs_dry(preset, tmp_path):
    section, p = dry_run_params(ROOT / "nbs" / "params" / preset, tmp_path / "store", tmp_path / "out")
    assert all(m.startswith("dry:") for m in p["models"]) and p["steps"] == 2 and p["batch_size"] == "auto"
    pm.execute_notebook(str(ROOT / "nbs" / f"{section}.ipynb"), str(tmp_path / "out.ipynb"), parameters=p, progress_bar=False,
                        kernel_name="python3", cwd=str(tmp_path))
    assert len(list((tmp_path / "out").glob("*.md"))) >= 3  # its tables were written (empty ones say why)
