"Every notebook in nbs/ runs top to bottom with its written parameters (one pytest test per notebook)."
import os
from pathlib import Path
import pytest
from nbdev.test import test_nb as run_nb  # renamed so pytest does not collect it

NBS = Path(__file__).resolve().parents[1] / "nbs"


@pytest.mark.slow
@pytest.mark.parametrize("nb", sorted(NBS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_runs(nb, monkeypatch):
    if os.environ.get("ONESTEP_NBDEV_TESTED") == "1":  # set by scripts/test.sh once nbdev-test has run every notebook
        pytest.skip("nbdev-test already ran every notebook in this job")
    monkeypatch.chdir(nb.parent)
    ok, secs = run_nb(nb, skip_flags=["gpu", "slow"], cell_timeout=1200)
    assert ok, f"{nb.name} failed (see the traceback above)"
