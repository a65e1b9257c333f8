"Every section's parameters cell parses with papermill's own inspection: `--help-notebook` and papermill's checks see every parameter."
import ast, json, logging
from pathlib import Path
import pytest
import papermill as pm

NBS = Path(__file__).resolve().parents[1] / "nbs"
SECTIONS = sorted(p for p in NBS.glob("[0-9][0-9]_*.ipynb")
                  if any("parameters" in c.get("metadata", {}).get("tags", []) for c in json.loads(p.read_text())["cells"]))


def _assigned(path) -> list:
    cell = next(c for c in json.loads(path.read_text())["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    tree = ast.parse("".join(cell["source"]))
    return [n.target.id if isinstance(n, ast.AnnAssign) else n.targets[0].id for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign))]


def test_there_are_sections(): assert len(SECTIONS) >= 8, SECTIONS


@pytest.mark.parametrize("path", SECTIONS, ids=lambda p: p.stem)
def test_papermill_parses_every_parameter(path, caplog):
    with caplog.at_level(logging.WARNING, logger="papermill"):
        found = pm.inspect_notebook(str(path))
    assert not [r.getMessage() for r in caplog.records if "Unable to parse" in r.getMessage()]
    assert list(found) == _assigned(path)


PRESETS = sorted((NBS / "params").glob("*.yaml"))


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_every_preset_names_parameters_its_section_has(preset):
    "A preset's keys are parameters of its notebook (papermill would only warn about a misspelt one, and run the default)."
    import yaml
    nb = next(NBS.glob(preset.name.split(".")[0] + ".ipynb"))
    unknown = set(yaml.safe_load(preset.read_text())) - set(_assigned(nb))
    assert not unknown, f"{preset.name} sets {sorted(unknown)}, which {nb.name} does not have"


THROUGHPUT_SCALES = [p.name.removeprefix("06_throughput.").removesuffix(".yaml") for p in sorted(NBS.glob("params/06_throughput.*.yaml"))]

@pytest.mark.parametrize("scale", THROUGHPUT_SCALES)
def test_throughput_preset_names_its_capacity_search(scale):
    "Fig 3 decodes the solutions a Table 3 run stored: its preset (06_throughput.<scale>.yaml) must name that search's settings"
    " (03_capacity.<scale>.yaml), or it fits problems of its own."
    import yaml
    assert (NBS / "params" / f"03_capacity.{scale}.yaml").exists(), f"06_throughput.{scale}.yaml has no 03_capacity.{scale}.yaml: name its capacity search so"
    load = lambda name: yaml.safe_load((NBS / "params" / f"{name}.{scale}.yaml").read_text())
    t, c = load("06_throughput"), load("03_capacity")
    assert int(t.get("mem", "mem1")[3:]) in c["mem_baselines"], f"06_throughput.{scale}.yaml decodes {t.get('mem', 'mem1')}, which 03_capacity.{scale}.yaml does not fit"
    same = {k: (t.get(k), c.get(k)) for k in ("models", "n_texts", "recipe", "steps", "seeds", "prefix", "threshold", "arrangement", "autocast")}
    same["sources"] = (set(t["sources"]) - set(c["sources"]), set())  # Fig 3 may decode a part of them
    same.update(lengths=(t["capacity_lengths"], c["lengths"]), recipe_fields=(t.get("recipe_fields", {}), c.get("recipe_fields", {})),
                stop_after_failure=(int(t.get("stop_after_failure", 1)), int(c.get("stop_after_failure", 1))))
    from onestep.core import named_recipe  # 06 has no lr or init of its own: 03's must be its recipe's
    mine = named_recipe(c["recipe"], fields=c.get("recipe_fields", {}), steps=c["steps"])
    same.update({k: (getattr(mine, k), c[k]) for k in ("lr", "init", "init_std") if c.get(k) is not None})
    assert not {k: v for k, v in same.items() if v[0] != v[1]}, f"06_throughput.{scale}.yaml differs from 03_capacity.{scale}.yaml"


def _cell(path, pred) -> str:
    return next("".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code" and pred(c))


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_every_preset_passes_its_sections_checks(preset):
    "A preset's values pass the checks its notebook makes before any compute (types, recipe, values), as papermill would inject them:"
    " a preset that fails them would stop at its first cells on the machine it was meant for. `device` is this machine's."
    import yaml
    nb = next(NBS.glob(preset.name.split(".")[0] + ".ipynb"))
    ns = {}
    exec("from onestep.core import get_arrangement\nfrom onestep.encoder import EncoderConfig", ns)  # the section's own imports
    exec(_cell(nb, lambda c: "parameters" in c.get("metadata", {}).get("tags", [])), ns)
    ns.update({**yaml.safe_load(preset.read_text()), "device": "cpu"})
    exec(_cell(nb, lambda c: "check_params(" in "".join(c["source"])), ns)
