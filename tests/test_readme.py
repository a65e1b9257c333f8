"The README is rendered from nbs/index.ipynb and its model table is the registry's."
import subprocess, sys
from pathlib import Path
from onestep.models import model_table_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_readme_is_rendered_from_index():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "readme.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_readme_model_table_is_the_registry():
    assert model_table_markdown() in (ROOT / "README.md").read_text()


def test_readme_names_the_commands_that_ci_runs():
    readme, ci = (ROOT / "README.md").read_text(), (ROOT / ".ci" / "run").read_text()
    assert "bash scripts/test.sh" in readme and "bash scripts/test.sh" in ci and "bash scripts/main.sh" in readme
    assert "nbdev-test" in readme and "nbdev_test" in readme and "settings.ini" in readme
