"Render README.md from nbs/index.ipynb (quarto, which nbdev-readme needs, is not installable everywhere)."
import contextlib, io, json, os, sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]


def _run(src: str, ns: dict) -> str:
    "Execute a cell and return what it printed (cells flagged `#| output: asis` print Markdown read from figures/)."
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf): exec(compile(src, "<index.ipynb>", "exec"), ns)
    return buf.getvalue().strip()


def render(nb_path: Path) -> str:
    "Markdown cells verbatim; code cells as python blocks, or (with `#| echo: false`) as their printed output."
    out, ns, cwd = [], {}, os.getcwd()
    os.chdir(root)
    try:
        for c in json.loads(nb_path.read_text())["cells"]:
            src = "".join(c["source"])
            if "#| hide" in src or "hide" in c.get("metadata", {}).get("tags", []): continue
            if c["cell_type"] == "markdown": out.append(src)
            elif c["cell_type"] == "code" and "#| echo: false" in src:
                if printed := _run(src, ns): out.append(printed)  # a reading whose run has not happened prints nothing
            elif c["cell_type"] == "code":
                lines = [l for l in src.splitlines() if not l.startswith("#|")]
                out.append("```python\n" + "\n".join(lines).strip() + "\n```")
    finally: os.chdir(cwd)
    return "<!-- Generated from nbs/index.ipynb by scripts/readme.py: edit the notebook, not this file. -->\n\n" + \
        "\n\n".join(out).strip() + "\n"


if __name__ == "__main__":
    text = render(root / "nbs" / "index.ipynb")
    if "--check" in sys.argv:
        if (root / "README.md").read_text() != text:
            sys.exit("README.md differs from nbs/index.ipynb rendered with the tables in figures/: run python scripts/readme.py")
    else: (root / "README.md").write_text(text)
