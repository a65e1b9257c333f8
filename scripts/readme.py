"Render README.md from nbs/index.ipynb (quarto, which nbdev-readme needs, is not installable everywhere)."
import json, sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]


def render(nb_path: Path) -> str:
    "Markdown cells verbatim, code cells as python blocks; cells tagged or flagged hide are left out."
    out = []
    for c in json.loads(nb_path.read_text())["cells"]:
        src = "".join(c["source"])
        if "#| hide" in src or "hide" in c.get("metadata", {}).get("tags", []): continue
        if c["cell_type"] == "markdown": out.append(src)
        elif c["cell_type"] == "code":
            lines = [l for l in src.splitlines() if not l.startswith("#|")]
            out.append("```python\n" + "\n".join(lines).strip() + "\n```")
    return "<!-- Generated from nbs/index.ipynb by scripts/readme.py: edit the notebook, not this file. -->\n\n" + \
        "\n\n".join(out).strip() + "\n"


if __name__ == "__main__":
    text = render(root / "nbs" / "index.ipynb")
    if "--check" in sys.argv:
        if (root / "README.md").read_text() != text: sys.exit("README.md is out of date: run python scripts/readme.py")
    else: (root / "README.md").write_text(text)
