"Text sources: stable ids, local files in the hub datasets' format, clear offline errors, N-token windows."
import json, os, time
import pandas as pd
import pytest
from onestep.core import take_tokens
from onestep.data import (random_texts, shakespeare_texts, hub_texts, load_texts, generated_texts, TextItem,
                          DatasetUnavailableError, HUB_DATASETS)
from onestep.models import load_model


def test_random_texts_are_stable_and_seeded(tmp_path):
    a, b = random_texts(4, n_words=20, seed=3), random_texts(4, n_words=20, seed=3)
    assert a == b and len({t.text for t in a}) == 4 and random_texts(1, 20, seed=4)[0] != a[0]
    assert [t.id for t in a] == [f"random/s3/{i}" for i in range(4)]
    vocab = tmp_path / "glove_vocab.txt"
    vocab.write_text("the 0.1 0.2\ncat 0.3 0.1\nsat 0.5 0.5\n")  # GloVe-style lines: the word comes first
    g = random_texts(2, n_words=30, vocab_file=vocab)
    assert set(" ".join(t.text for t in g).split()) <= {"the", "cat", "sat"} and g[0].id.startswith("random/")
    assert g[0].id != random_texts(1, 30)[0].id


def test_shakespeare_chunks_are_stable_plain_text():
    a = shakespeare_texts(5, n_chars=800, seed=1)
    assert [t.id for t in a] == [t.id for t in shakespeare_texts(5, n_chars=800, seed=1)]
    for t in a:
        assert len(t.text) == 800 and "**" not in t.text and not t.text.startswith("#")
        assert t.source == "shakespeare"


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_local_files_in_the_hub_format(tmp_path, fmt):
    df = pd.DataFrame({"text": [f"Chunk number {i} of some book." for i in range(5)], "id": range(5)})
    p = tmp_path / f"pg19_valid.{fmt}"
    {"csv": lambda: df.to_csv(p, index=False), "parquet": lambda: df.to_parquet(p),
     "jsonl": lambda: df.to_json(p, orient="records", lines=True)}[fmt]()
    items = load_texts(str(p), 3)
    assert [t.text for t in items] == list(df.text[:3])
    assert items[2].id == f"file/pg19_valid.{fmt}/2"
    with pytest.raises(ValueError, match="no column 'body'"): hub_texts(str(p), text_column="body")


@pytest.mark.parametrize("name", list(HUB_DATASETS))
def test_hub_datasets_fail_fast_offline(monkeypatch, name):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    t0 = time.time()
    with pytest.raises(DatasetUnavailableError, match="pass its path instead"): load_texts(name, 2)
    assert time.time() - t0 < 10


def test_bad_source_arguments():
    with pytest.raises(ValueError, match="Unknown text source"): load_texts("wiki", 2)
    with pytest.raises(TypeError): load_texts("random", "2")
    with pytest.raises(FileNotFoundError): load_texts("/nonexistent/file.parquet", 2)


def test_n_token_windows():
    _, tok = load_model("tiny-pythia")
    t = random_texts(1, n_words=10)[0].text
    ids = take_tokens(t, tok, 7)
    assert len(ids) == 7 and ids == tok(t, add_special_tokens=False).input_ids[:7]
    with pytest.raises(ValueError, match="fewer than the requested N=100000"): take_tokens(t, tok, 100000)


def test_generated_texts_are_seeded_and_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("ONESTEP_CACHE", str(tmp_path))
    model, tok = load_model("tiny-llama")
    ctx = random_texts(2, n_words=10)
    a = generated_texts(model, tok, ctx, n_tokens=6)
    files = sorted((tmp_path / "generated").glob("*.json"))
    assert len(files) == 2 and all(len(json.loads(f.read_text())["tokens"]) == 6 for f in files)
    for f in files: f.unlink()
    assert generated_texts(model, tok, ctx, n_tokens=6) == a  # recomputed identically from the seed
    assert generated_texts(model, tok, ctx, n_tokens=6, seed=1) != a
    assert a[0].id == f"generated/tiny-llama/{ctx[0].id}/n6/s0"


def test_generated_targets_are_the_sampled_ids_and_must_fit_the_context(tmp_path, monkeypatch):
    monkeypatch.setenv("ONESTEP_CACHE", str(tmp_path))
    model, tok = load_model("tiny-pythia")
    [g] = generated_texts(model, tok, random_texts(1, n_words=10), n_tokens=8)
    assert take_tokens(g, tok) == list(g.tokens) and len(g.tokens) == 8
    assert take_tokens(g, tok, 4) == list(g.tokens[:4])
    with pytest.raises(ValueError, match="context of 512"): generated_texts(model, tok, random_texts(1, 500), n_tokens=300)
