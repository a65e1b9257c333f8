"The command line on the default model: a Shakespeare passage of about 30 tokens (two chunks: the first learns m, the second fits e alone against it), compressed chunk-wise and decoded back."
import os, subprocess, sys
import pytest


def _onestep(*args):
    r = subprocess.run([sys.executable, "-m", "onestep.cli", *args], capture_output=True, text=True,
                       env={**os.environ, "TOKENIZERS_PARALLELISM": "false"})
    return r.returncode, r.stdout, r.stderr


@pytest.mark.slow
def test_smollm2_round_trip_of_a_long_text_in_chunks(tmp_path):
    from onestep.data import shakespeare_texts
    text = shakespeare_texts(1, n_chars=120)[0].text
    (tmp_path / "text.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "text.safetensors"
    rc, _, err = _onestep("compress", str(tmp_path / "text.txt"), "--chunk", "16", "--m-chunks", "1", "--steps", "300", "-q", "-o", str(out))
    assert rc == 0, err
    rc, info, _ = _onestep("info", str(out))
    assert rc == 0 and "smollm2-135m" in info
    rc, decoded, err = _onestep("decode", str(out), "--check")
    print(f"{err.strip()}; {info.splitlines()[5:8]}")
    assert rc == 0, err  # --check exits 0 only when every token matches
    assert decoded.rstrip("\n") == text
