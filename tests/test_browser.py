"JupyterLab in a real browser: headless Chromium runs the capacity notebook (tiny parameters written in) and checks what is on the page."
import json, os, secrets, shutil, socket, subprocess, sys, time, urllib.request
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TINY = {"models": ["tiny-llama"], "sources": ["random"], "n_texts": 2, "lengths": [2, 4], "steps": 40, "share_m": [False],
        "mem_baselines": [2], "batch_size": 8}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]


def _copy_with_parameters(src: Path, dst: Path, params: dict):
    "The notebook with its parameters cell rewritten (the UI cannot inject papermill parameters)."
    nb = json.loads(src.read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    cell["source"] = "".join(cell["source"]) + "\n# the test's parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in params.items())
    dst.write_text(json.dumps(nb, indent=1))


@pytest.mark.slow
def test_capacity_notebook_runs_in_jupyterlab(tmp_path):
    if not Path(CHROMIUM).exists(): pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package (.ci/run does)")
    pw = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency: bash scripts/setup.sh installs it")
    work = tmp_path / "lab"; work.mkdir()
    _copy_with_parameters(ROOT / "nbs" / "03_capacity.ipynb", work / "capacity.ipynb",
                          {**TINY, "store_dir": str(tmp_path / "store"), "out_dir": str(tmp_path / "out")})
    port, token = _free_port(), secrets.token_hex(16)
    log = open(tmp_path / "lab.log", "w")
    lab = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
                            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}", "--LabApp.expose_app_in_browser=True",
                            "--ServerApp.open_browser=False", "--allow-root"],
                           stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "OMP_NUM_THREADS": "1"}, cwd=work)
    shots = ROOT / "runs" / "browser"; shots.mkdir(parents=True, exist_ok=True)
    try:
        for _ in range(120):  # the server is up when its API answers
            try: urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=1); break
            except OSError: time.sleep(0.5)
        else: pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text()[-2000:])
        with pw.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/lab/tree/capacity.ipynb?token={token}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
            page.wait_for_function("() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                                   " return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel"
                                   " && w.sessionContext.session.kernel.status === 'idle'; }", timeout=120_000)
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            done = ("() => { const w = window.jupyterapp.shell.currentWidget; const k = w.sessionContext.session.kernel;"
                    " const cells = Array.from(w.content.model.cells).filter(c => c.type === 'code');"
                    " return k.status === 'idle' && cells.every(c => c.executionCount !== null); }")
            page.wait_for_function(done, timeout=600_000, polling=1000)
            table = page.locator(".jp-RenderedHTMLCommon table:has-text('C_tokens')")
            if table.count(): table.first.scroll_into_view_if_needed(); page.wait_for_timeout(1500)  # cells render when in view
            page.screenshot(path=str(shots / "03_capacity.png"), full_page=False)
            n_cells = page.evaluate("() => Array.from(window.jupyterapp.shell.currentWidget.content.model.cells).filter(c => c.type === 'code').length")
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count()
            tracebacks = page.locator(".jp-OutputArea-output:has-text('Traceback')").count()
            tables = page.locator(".jp-RenderedHTMLCommon table:has-text('C_tokens')").count()
            images = page.locator(".jp-RenderedImage img").count()
            widgets = page.locator(".jp-OutputArea-output .widget-hprogress, .jp-OutputArea-output .jupyter-widgets").count()
            browser.close()
        print(f"JupyterLab {port}: ran {n_cells} code cells of 03_capacity (tiny parameters); error outputs {errors}, "
              f"tracebacks {tracebacks}, tables with C_tokens {tables}, images {images}, progress widgets {widgets}; "
              f"screenshot {shots / '03_capacity.png'}")
        assert errors == 0 and tracebacks == 0
        assert tables >= 1 and images >= 1
    finally:
        lab.terminate()
        try: lab.wait(10)
        except subprocess.TimeoutExpired: lab.kill()
        log.close()
