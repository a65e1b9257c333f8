"The proto-token engine on the tiny models (fast) and one integration run on SmolLM2."
import math
import pytest, torch
from onestep import core
from onestep.core import (ARRANGEMENTS, Recipe, Solution, fit, decode, reconstruct, get_arrangement, take_tokens,
                          h_lm, start_token, token_accuracy, c_tokens, compress, decode_text, _build_inputs, _scored_logits)
from onestep.models import load_model

TEXT = "Hello proto-tokens! How are you today, dear reader?"
FAST = Recipe(steps=400, lr=0.05)


@pytest.fixture(scope="module")
def tiny():
    return load_model("tiny-llama")


@pytest.mark.parametrize("name", list(ARRANGEMENTS))
@pytest.mark.parametrize("n", [1, 2, 5])
@pytest.mark.parametrize("prefix", ["bos", "none"])
def test_inputs_and_scored_positions(tiny, name, n, prefix):
    model, _ = tiny
    a = get_arrangement(name)
    d = model.config.hidden_size
    e, m = torch.randn(3, d), torch.randn(3, d)
    tok = torch.randn(3, n, d)
    pre = core.prefix_embedding(model, prefix)
    x = _build_inputs(a, n, e, m, tok, pre)
    if prefix == "bos":  # the start token's embedding comes first, then the arrangement
        assert torch.equal(x[:, 0], model.get_input_embeddings().weight[257].expand(3, d))
        x = x[:, 1:]
    else: assert pre is None
    sym = a.symbols(n)
    assert x.shape == (3, a.length(n), d) == (3, len(sym), d)
    for p, c in enumerate(sym):
        want = e if c == "e" else m if c == "m" else tok[:, p - a.n_mem]
        assert torch.equal(x[:, p], want)
    if a.layout != "mem": assert a.length(n) == n + a.lead
    logits = _scored_logits(model, x, n, None)
    full = model(inputs_embeds=x).logits
    assert logits.shape == (3, n, model.config.vocab_size)
    assert torch.allclose(logits, full[:, -n:], atol=1e-5)


def test_table1_rows_are_the_papers():
    sym = {k: get_arrangement(k).symbols(4) for k in core.TABLE1_ARRANGEMENTS}
    assert sym == {"e_only": "eeee", "halves": "eemm", "interleaved": "emem", "e_m_unguided": "emmmm", "e_m": "emmm"}


def test_tiny_model_fits_a_short_text(tiny):
    model, tok = tiny
    ids = take_tokens(TEXT, tok, 12)
    [s] = fit(model, [ids], recipe=FAST, progress=False)
    assert s.solved and s.accuracy == 1.0 and s.solved_step < 400
    assert reconstruct(model, s) == (ids, 1.0)


def test_batch_equals_problems_alone(tiny):
    model, tok = tiny
    targets = [take_tokens(TEXT[k:], tok, 8) for k in (0, 6, 13)]
    r = Recipe(steps=25, lr=0.05)
    batch = fit(model, targets, recipe=r, seeds=[1, 2, 3], progress=False)
    for t, s, b in zip(targets, [1, 2, 3], batch):
        [alone] = fit(model, [t], recipe=r, seeds=s, progress=False)
        assert torch.allclose(alone.e, b.e, atol=1e-4) and torch.allclose(alone.m, b.m, atol=1e-4)
        assert alone.steps == b.steps and alone.solved_step == b.solved_step


class _SpyAdamW(torch.optim.AdamW):
    "Records every parameter after each step (and the grads before it)."
    log = []
    def step(self, closure=None):
        grads = [None if p.grad is None else p.grad.clone() for p in self.param_groups[0]["params"]]
        out = super().step(closure)
        _SpyAdamW.log.append(([p.detach().clone() for p in self.param_groups[0]["params"]], grads))
        return out


def test_stopped_problems_never_move(tiny, monkeypatch):
    model, tok = tiny
    monkeypatch.setattr(core.torch.optim, "AdamW", _SpyAdamW); _SpyAdamW.log = []
    easy, hard = take_tokens("aaaaaaaa", tok, 8), take_tokens(TEXT, tok, 8)
    sols = fit(model, [easy, hard], recipe=Recipe(steps=40, lr=0.1), progress=False)
    assert sols[0].solved and sols[0].steps < sols[1].steps  # the easy one left the batch first
    s = sols[0].steps
    params_after = [p for p, _ in _SpyAdamW.log[s:]]  # steps taken after the easy problem stopped
    assert len(params_after) > 5
    e0, m0 = 0, 2  # parameter order: e vectors, then m vectors
    for ps in params_after:
        assert torch.equal(ps[e0], params_after[0][e0]) and torch.equal(ps[m0], params_after[0][m0])
    assert not torch.equal(params_after[0][1], params_after[-1][1])  # the hard one kept moving
    assert torch.equal(sols[0].e, _SpyAdamW.log[s - 1][0][e0])  # returned vectors = those that solved it


def test_shared_m_gets_the_sum_of_its_groups_gradients(tiny, monkeypatch):
    model, tok = tiny
    targets = [take_tokens(TEXT[k:], tok, 6) for k in (0, 5, 9)]
    monkeypatch.setattr(core.torch.optim, "AdamW", _SpyAdamW)
    r = Recipe(steps=1, lr=0.01)
    _SpyAdamW.log = []
    fit(model, targets, recipe=r, seeds=0, m_groups="all", progress=False)
    shared_grad = _SpyAdamW.log[0][1][-1]
    alone = []
    for t in targets:
        _SpyAdamW.log = []
        fit(model, [t], recipe=r, seeds=0, progress=False)
        alone.append(_SpyAdamW.log[0][1][-1])
    assert torch.allclose(shared_grad, sum(alone), atol=1e-5)


def test_shared_group_vectors_are_identical_in_solutions(tiny):
    model, tok = tiny
    targets = [take_tokens(TEXT[k:], tok, 6) for k in (0, 5, 9, 13)]
    sols = fit(model, targets, recipe=Recipe(steps=40, lr=0.1), m_groups=["a", "a", "b", "b"], progress=False)
    assert torch.equal(sols[0].m, sols[1].m) and torch.equal(sols[2].m, sols[3].m)
    assert not torch.equal(sols[0].m, sols[2].m)
    sols = fit(model, targets, recipe=Recipe(steps=40, lr=0.1), e_groups="all", progress=False)
    assert all(torch.equal(s.e, sols[0].e) for s in sols)


@pytest.mark.parametrize("arr", ["e_m", "e_m_unguided", "interleaved", "halves", "e_only"])
def test_decode_agrees_with_training_accuracy(tiny, arr):
    model, tok = tiny
    targets = [take_tokens(TEXT[k:], tok, 10) for k in (0, 7)]
    for s in fit(model, targets, arr, recipe=Recipe(steps=15, lr=0.05), progress=False):
        ids, acc = reconstruct(model, s)
        assert math.isclose(acc, s.accuracy, abs_tol=1e-6), (acc, s.accuracy)


@pytest.mark.parametrize("arr", ["mem1", "mem2"])
def test_mem_baseline_decodes_greedily(tiny, arr):
    model, tok = tiny
    ids = take_tokens(TEXT, tok, 10)
    [s] = fit(model, [ids], arr, recipe=FAST, progress=False)
    out = decode(model, s.e, s.m, arr, 10)[0]
    # greedy with a KV cache equals greedy without one
    a = get_arrangement(arr)
    x = torch.stack([s.e, s.m])[None] if a.n_mem == 2 else s.e[None, None]
    x = torch.cat([model.get_input_embeddings().weight[257][None, None], x], 1)  # the default prefix: BOS
    seq = []
    for _ in range(10):
        nxt = model(inputs_embeds=x).logits[0, -1].argmax()
        seq.append(int(nxt)); x = torch.cat([x, model.get_input_embeddings()(nxt)[None, None]], 1)
    assert out.tolist() == seq
    if s.accuracy == 1.0: assert out.tolist() == ids  # all teacher-forced steps right => greedy reproduces it


def test_metrics(tiny):
    model, tok = tiny
    pred, tgt = torch.tensor([[1, 2, 3, 4]]), torch.tensor([[1, 2, 0, 4]])
    assert token_accuracy(pred, tgt).item() == 0.75 and c_tokens(pred, tgt).item() == 3
    ids = take_tokens("abc", tok)
    start, why = start_token(tok)
    assert start == 257 and "BOS" in why
    x = torch.tensor([[start] + ids])
    lp = model(x).logits.log_softmax(-1)
    want = -sum(lp[0, i, ids[i]].item() for i in range(3))
    assert math.isclose(h_lm(model, tok, [ids]).item(), want, rel_tol=1e-5)
    assert start_token(load_model("tiny-pythia")[1]) == (256, "'<|endoftext|>' (the tokenizer adds no BOS)")


def test_solution_roundtrip(tiny, tmp_path):
    model, tok = tiny
    [s] = fit(model, [take_tokens(TEXT, tok, 8)], recipe=Recipe(steps=5), progress=False, meta=[{"text_id": "x"}])
    p = s.save(tmp_path / "s.safetensors")
    t = Solution.load(p)
    assert torch.equal(s.e, t.e) and torch.equal(s.m, t.m) and t.info() == s.info()
    assert t.meta["text_id"] == "x" and t.meta["recipe"]["steps"] == 5
    assert not list(tmp_path.glob(".*tmp"))


def test_errors(tiny):
    model, tok = tiny
    with pytest.raises(ValueError, match="Unknown arrangement"): fit(model, [[1, 2]], "nope")
    with pytest.raises(ValueError, match="context of 512"): fit(model, [[1] * 600])
    with pytest.raises(ValueError, match="at least 1"): core.check_length(model, "e_m", 0)
    with pytest.raises(TypeError, match="must be an int"): core.check_length(model, "e_m", 2.0)
    with pytest.raises(ValueError, match="fewer than the requested N=100"): take_tokens("short", tok, 100)
    with pytest.raises(TypeError): take_tokens(123, tok, 1)
    with pytest.raises(TypeError, match="Recipe.lr"): Recipe(lr="fast")
    with pytest.raises(ValueError, match="schedule"): Recipe(schedule="warm")
    with pytest.raises(ValueError, match="trained for another model"): decode(model, torch.zeros(576), torch.zeros(576), "e_m", 4)
    with pytest.raises(ValueError, match="group labels"): fit(model, [[1, 2]], m_groups=[0, 1])
    with pytest.raises(ValueError, match="same length"): fit(model, [[1, 2], [1, 2, 3]])
    with pytest.raises(ValueError, match="Recipe.prefix"): Recipe(prefix="sink")
    with pytest.raises(ValueError, match="prefix must be one of"): decode(model, torch.zeros(64), torch.zeros(64), "e_m", 4, "eos")
    # the prefix takes one position of the context (tiny-llama: 512)
    core.check_length(model, "e_m", 512, "none")
    with pytest.raises(ValueError, match="use N <= 511"): core.check_length(model, "e_m", 512, "bos")
    model.onestep_start_id = None  # a model not loaded by load_model: no silent guess at its start token
    try:
        with pytest.raises(ValueError, match="no start token"): core.prefix_embedding(model, "bos")
    finally: model.onestep_start_id = 257


def test_prefix_none_trains_and_decodes_without_the_start_token(tiny):
    model, tok = tiny
    ids = take_tokens(TEXT, tok, 8)
    [s] = fit(model, [ids], recipe=Recipe(steps=100, lr=0.1, prefix="none"), progress=False)
    assert s.prefix == "none"
    x = torch.stack([s.e] + [s.m] * 7)[None]
    with torch.no_grad(): want = model(inputs_embeds=x).logits[0].argmax(-1).tolist()
    assert reconstruct(model, s)[0] == want


def test_cosine_schedule_runs(tiny):
    model, tok = tiny
    [s] = fit(model, [take_tokens(TEXT, tok, 8)], recipe=Recipe(steps=300, lr=0.1, schedule="cosine"), progress=False)
    assert s.accuracy > 0.5


@pytest.mark.slow
def test_smollm2_reconstructs_a_natural_16_token_text_in_one_forward_pass():
    model, tok = load_model("smollm2-135m")
    text = "The old lighthouse keeper climbed the narrow stairs every evening to light the great lamp for the ships."
    ids = take_tokens(text, tok, 16)
    s = compress(text, model, tok, n=16, recipe=Recipe(steps=400), progress=False)  # the paper's recipe, e_m
    bos = model.get_input_embeddings().weight[start_token(tok)[0]]
    x = torch.stack([bos, s.e] + [s.m] * 15)[None]  # [BOS, e, m x 15]: e predicts t_1, the m's t_2..t_16
    with torch.no_grad(): out = model(inputs_embeds=x).logits[0, 1:].argmax(-1).tolist()
    assert out == ids and s.solved
    assert decode_text(s, model, tok) == tok.decode(ids)
