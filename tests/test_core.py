"The proto-token engine on the tiny models (fast) and one integration run on SmolLM2."
import math
from dataclasses import replace
import pytest, torch
from onestep import core
from onestep.core import (ARRANGEMENTS, Recipe, Solution, fit, decode, reconstruct, get_arrangement, take_tokens,
                          h_lm, start_token, token_accuracy, c_tokens, compress, decode_text, _build_inputs, _scored_logits)
from onestep.models import load_model

TEXT = "Hello proto-tokens! How are you today, dear reader?"
FAST = Recipe(steps=800, lr=0.05)


@pytest.fixture(scope="module")
def tiny():
    return load_model("tiny-llama")


ONE_STEP = [k for k, a in ARRANGEMENTS.items() if not a.teacher_forced]


@pytest.mark.parametrize("name", ONE_STEP)
@pytest.mark.parametrize("n", [1, 2, 5])
@pytest.mark.parametrize("prefix", ["bos", "none"])
def test_inputs_and_scored_positions(tiny, name, n, prefix):
    model, _ = tiny
    a = get_arrangement(name)
    d = model.config.hidden_size
    e, m = torch.randn(3, d), torch.randn(3, d)
    pre = core.prefix_embedding(model, prefix)
    x = _build_inputs(a, n, e, m, None, pre)
    if prefix == "bos":  # the start token's embedding comes first, then the arrangement
        assert torch.equal(x[:, 0], model.get_input_embeddings()(torch.tensor(257)).expand(3, d))
        x = x[:, 1:]
    else: assert pre is None
    sym = a.symbols(n)
    assert x.shape == (3, a.length(n), d) == (3, len(sym), d) and a.length(n) == n + a.lead
    for p, c in enumerate(sym): assert torch.equal(x[:, p], e if c == "e" else m)
    logits = _scored_logits(model, x, n, None)
    full = model(inputs_embeds=x).logits
    assert logits.shape == (3, n, model.config.vocab_size)
    assert torch.allclose(logits, full[:, -n:], atol=1e-5)


def _prior_work_loss(model, tok, text, n, memory):
    "The prior work's loss (hidden_capacity MemoryCell + train.py), written from its code: [mem], tokenizer ids."
    inp = tok(text, max_length=n + len(model.onestep_text_prefix), truncation=True, return_tensors="pt").input_ids
    x = torch.cat([memory[None], model.get_input_embeddings()(inp)], 1)
    logits = model(inputs_embeds=x).logits[:, len(memory):]
    return torch.nn.functional.cross_entropy(logits[0, :-1], inp[0, 1:]).item()


@pytest.mark.parametrize("family", ["tiny-llama", "tiny-pythia"])  # tokenizer with BOS, and without
@pytest.mark.parametrize("arr", ["mem1", "mem2"])
def test_mem_baseline_is_the_prior_works_scheme(family, arr):
    model, tok = load_model(family)
    ids = take_tokens(TEXT, tok, 9)
    [s] = fit(model, [ids], arr, recipe=Recipe(steps=0, init="embedding"), progress=False)  # loss at the init
    memory = torch.stack([s.e, s.m]) if arr == "mem2" else s.e[None]
    assert math.isclose(s.loss, _prior_work_loss(model, tok, TEXT, 9, memory), rel_tol=1e-5)
    # the prior work's init: N(0, 1) x the embedding matrix's std
    assert 0.7 < s.e.std().item() / model.get_input_embeddings().weight.std().item() < 1.3
    given = 0 if model.onestep_text_prefix else 1  # no BOS: t1 is input, t2..tN are predicted
    assert get_arrangement(arr).given(len(model.onestep_text_prefix)) == given


def test_table1_rows_are_the_papers():
    sym = {k: get_arrangement(k).symbols(4) for k in core.TABLE1_ARRANGEMENTS}
    assert sym == {"e_only": "eeee", "halves": "eemm", "interleaved": "emem", "e_m_unguided": "emmmm", "e_m": "emmm"}


def test_tiny_model_fits_a_short_text(tiny):
    model, tok = tiny
    ids = take_tokens(TEXT, tok, 6)  # 6 tokens: solved by step 64-192 with seeds 0-15, so a CPU's rounding leaves it solved (12 tokens: 2 seeds in 16 are not)
    [s] = fit(model, [ids], recipe=FAST, progress=False)
    assert s.solved and s.accuracy == 1.0 and s.solved_step < 800
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
    # far apart, whatever a CPU's rounding does: with seeds 0-15 the easy one is solved by step 10-54, the hard one in none by 300
    easy, hard = take_tokens("a" * 16, tok, 16), take_tokens(TEXT, tok, 16)
    sols = fit(model, [easy, hard], recipe=Recipe(steps=150, lr=0.1), progress=False)
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
    init = fit(model, targets, recipe=Recipe(steps=0), seeds=0, m_groups="all", progress=False)  # the start point
    monkeypatch.setattr(core.torch.optim, "AdamW", _SpyAdamW)
    _SpyAdamW.log = []
    fit(model, targets, recipe=Recipe(steps=1, lr=0.01), seeds=0, m_groups="all", progress=False)
    shared_grad = _SpyAdamW.log[0][1][-1]
    alone = []
    pre = core.prefix_embedding(model, "bos")
    for t, s in zip(targets, init):  # each problem's own loss at the same point, differentiated alone
        e, m = s.e.clone().requires_grad_(), s.m.clone().requires_grad_()
        x = _build_inputs(get_arrangement("e_m"), 6, e[None], m[None], None, pre)
        torch.nn.functional.cross_entropy(_scored_logits(model, x, 6, None)[0], torch.tensor(t)).backward()
        alone.append(m.grad)
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


@pytest.mark.parametrize("family", ["tiny-llama", "tiny-pythia"])
@pytest.mark.parametrize("arr", ["mem1", "mem2"])
def test_mem_baseline_decodes_greedily(family, arr):
    model, tok = load_model(family)
    ids = take_tokens(TEXT, tok, 10)
    [s] = fit(model, [ids], arr, recipe=Recipe(steps=300, lr=0.05), progress=False)
    lead = model.onestep_text_prefix or ids[:1]  # BOS, or the given t1
    out = decode(model, s.e, s.m, arr, 10, given=torch.tensor([ids[:1]]))[0]
    # greedy with a KV cache equals greedy without one, from [mem..., lead]
    emb = model.get_input_embeddings()
    x = torch.cat([torch.stack([s.e, s.m] if arr == "mem2" else [s.e])[None], emb(torch.tensor([lead]))], 1)
    seq = [] if model.onestep_text_prefix else ids[:1]
    while len(seq) < 10:
        nxt = model(inputs_embeds=x).logits[0, -1].argmax()
        seq.append(int(nxt)); x = torch.cat([x, emb(nxt)[None, None]], 1)
    assert out.tolist() == seq
    got, acc = reconstruct(model, s)
    assert got == seq
    g = 0 if model.onestep_text_prefix else 1
    assert math.isclose(acc, sum(a == b for a, b in zip(seq[g:], ids[g:])) / (10 - g), rel_tol=1e-6)
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


def test_without_a_prefix_identical_vectors_at_the_start_emit_one_token(tiny):
    "[e] x N from position 0: causal attention over identical values returns the same value at every position, so e_only can"
    " only emit one token N times; the start token before them (prefix 'bos') gives each position a different mixture."
    model, tok = tiny
    ids = take_tokens(TEXT, tok, 6)
    [s] = fit(model, [ids], arrangement="e_only", recipe=Recipe(steps=20, lr=0.1, prefix="none"), progress=False)
    x = torch.stack([s.e] * 6)[None]
    bos = core.prefix_embedding(model, "bos").view(1, 1, -1)
    with torch.no_grad():
        free, led = model(inputs_embeds=x).logits[0], model(inputs_embeds=torch.cat([bos, x], 1)).logits[0, 1:]
    assert torch.allclose(free, free[:1].expand_as(free), atol=1e-4)
    assert (led - led[:1]).abs().amax(-1)[1:].min() > 1e-2  # every later position differs from the first
    top = free[0].topk(2).values
    if top[0] - top[1] > 1e-3:  # no near-tie at the top, so the argmax cannot differ between positions: one token, N times
        assert reconstruct(model, s)[0] == [int(free[0].argmax())] * 6
        assert s.accuracy <= max(map(ids.count, ids)) / len(ids)


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
    bos = model.get_input_embeddings()(torch.tensor(start_token(tok)[0]))
    x = torch.stack([bos, s.e] + [s.m] * 15)[None]  # [BOS, e, m x 15]: e predicts t_1, the m's t_2..t_16
    with torch.no_grad(): out = model(inputs_embeds=x).logits[0, 1:].argmax(-1).tolist()
    assert out == ids and s.solved
    assert decode_text(s, model, tok) == tok.decode(ids)


@pytest.mark.parametrize("name", ["tiny-llama", "tiny-pythia", pytest.param("smollm2-135m", marks=pytest.mark.slow),
                                  pytest.param("gemma3-270m", marks=pytest.mark.slow)])
def test_prefix_is_what_the_model_feeds_itself(name):
    "Every vector standing in for a real token equals what the model's forward pass embeds for that id (Gemma scales)."
    model, tok = load_model(name)
    seen = []
    h = model.get_input_embeddings().register_forward_hook(lambda mod, inp, out: seen.append(out.detach()))
    tid = model.onestep_start_id
    with torch.no_grad(): model(input_ids=torch.tensor([[tid, 5]]))
    h.remove()
    assert torch.allclose(core.prefix_embedding(model, "bos"), seen[0][0, 0], atol=1e-6)
    assert torch.allclose(core.token_embeddings(model, [tid, 5]), seen[0][0], atol=1e-6)
    std = core.embedding_std(model)  # the init="embedding" scale, measured on the same vectors
    assert math.isclose(std, core.token_embeddings(model, torch.arange(model.get_input_embeddings().num_embeddings)).float().std().item(), rel_tol=1e-3)


def test_each_problem_starts_from_its_own_draw(tiny):
    model, tok = tiny
    a, b = take_tokens(TEXT, tok, 6), take_tokens(TEXT[9:], tok, 6)
    s = fit(model, [a, b], recipe=Recipe(steps=0), seeds=0, progress=False)
    assert not torch.equal(s[0].e, s[1].e) and not torch.equal(s[0].m, s[1].m)  # seed 0 of two texts: two draws
    again = fit(model, [b, a], recipe=Recipe(steps=0), seeds=0, progress=False)  # another batch order
    assert torch.equal(again[1].e, s[0].e) and torch.equal(again[0].m, s[1].m)  # reproducible per problem
    assert not torch.equal(fit(model, [a], recipe=Recipe(steps=0), seeds=1, progress=False)[0].e, s[0].e)


def test_a_bf16_model_trains_without_autocast_and_stops_as_it_decodes():
    model, tok = load_model("tiny-llama", dtype="bfloat16")
    ids = take_tokens(TEXT, tok, 8)
    [s] = fit(model, [ids], recipe=Recipe(steps=60, lr=0.1), progress=False)  # no dtype error
    assert s.e.dtype == torch.float32 and s.meta["dtype"] == "torch.bfloat16"
    assert math.isclose(reconstruct(model, s)[1], s.accuracy, abs_tol=1e-6)  # decode of record = training's view


def test_scored_logits_decides_by_model_class_not_by_catching_errors(tiny):
    model, _ = tiny
    assert core._keeps_logits(type(model))
    class Broken(torch.nn.Module):  # a forward that raises TypeError itself must not be silently re-run
        def forward(self, inputs_embeds=None, use_cache=None, logits_to_keep=None):
            if logits_to_keep is not None: raise TypeError("real bug")  # a retry without it would hide this
            return model(inputs_embeds=inputs_embeds, use_cache=use_cache)
        def get_input_embeddings(self): return model.get_input_embeddings()
    with pytest.raises(TypeError, match="real bug"): _scored_logits(Broken(), torch.zeros(1, 2, 64), 1, None)


RECIPES = [Recipe(steps=30, lr=0.05), Recipe(steps=30, optimizer="lbfgs", init="embedding"),
           Recipe(steps=30, optimizer="adamw+lbfgs", switch=10, lr=0.05, temperature=0.5),
           Recipe(steps=30, lr=0.05, warmup=5, schedule="cosine", lr_floor=0.1)]


@pytest.mark.parametrize("r", RECIPES, ids=lambda r: f"{r.optimizer}-T{r.temperature}-{r.schedule}")
def test_every_recipe_same_seed_same_vectors(tiny, r):
    model, tok = tiny
    targets = [take_tokens(TEXT, tok, 8), take_tokens(TEXT[6:], tok, 8)]
    a = fit(model, targets, recipe=r, seeds=[0, 1], progress=False)
    b = fit(model, targets, recipe=r, seeds=[0, 1], progress=False)
    for x, y in zip(a, b):
        assert torch.equal(x.e, y.e) and torch.equal(x.m, y.m) and x.evaluations == y.evaluations
        assert 1 <= x.evaluations <= r.steps + 1  # the budget is evaluations, whatever the optimiser
        assert x.solved or x.evaluations == r.steps + 1  # an unsolved problem costs the whole budget


def test_lbfgs_counts_line_search_evaluations(tiny):
    model, tok = tiny
    [s] = fit(model, [take_tokens(TEXT, tok, 12)], recipe=Recipe(steps=40, optimizer="lbfgs"), progress=False)
    assert s.evaluations > s.steps  # a step is at least one evaluation, and line searches add some
    assert s.loss_curve[0][0] == 0 and s.loss_curve[-1][0] == s.evaluations - 1


def test_lr_schedule_warmup_then_cosine_to_floor():
    r = Recipe(steps=110, warmup=10, schedule="cosine", lr_floor=0.2)
    assert r.lr_factor(0) == pytest.approx(0.1) and r.lr_factor(9) == pytest.approx(1.0)
    assert r.lr_factor(10) == pytest.approx(1.0) and r.lr_factor(60) == pytest.approx(0.6)
    assert r.lr_factor(110) == pytest.approx(0.2) and r.lr_factor(500) == pytest.approx(0.2)
    assert Recipe(steps=100, schedule="cosine").lr_factor(100) == pytest.approx(0.0)  # the old cosine, unchanged


def test_warm_start_begins_at_the_given_vectors_and_prefix_solutions_carry_over(tiny):
    model, tok = tiny
    ids = take_tokens(TEXT, tok, 10)
    # its 6 tokens lead by a margin: decoded again at length 10, a near-tie cannot flip one
    [short] = fit(model, [ids[:6]], recipe=replace(FAST, stop_margin=0.05), progress=False)
    assert short.solved
    [start] = fit(model, [ids], recipe=Recipe(steps=0), init=[short], progress=False)
    assert torch.equal(start.e, short.e) and torch.equal(start.m, short.m)
    # the output at position k depends only on the first k inputs: the short solution already emits the first 6 tokens
    assert decode(model, start.e, start.m, "e_m", 10)[0, :6].tolist() == ids[:6]
    [warm] = fit(model, [ids], recipe=FAST, init=[short], progress=False)
    assert warm.solved  # from such starts (seeds 0-15) by step 69-537 of 800


def test_bad_recipe_values_fail_clearly():
    with pytest.raises(ValueError, match="optimizer must be one of"): Recipe(optimizer="sgd")
    with pytest.raises(ValueError, match="temperature must be > 0"): Recipe(temperature=0)
    with pytest.raises(TypeError, match="warm_start must be True or False"): Recipe(warm_start="yes")


def test_named_recipes():
    from onestep.core import named_recipe, PAPER_RECIPE, FAST_RECIPE
    assert named_recipe("paper") == PAPER_RECIPE and named_recipe("fast") == FAST_RECIPE
    r = named_recipe("fast", steps=50, lr=None, prefix="none")  # None keeps the named recipe's value
    assert (r.steps, r.lr, r.prefix, r.init) == (50, FAST_RECIPE.lr, "none", FAST_RECIPE.init)
    with pytest.raises(ValueError, match="unknown recipe 'quick'"): named_recipe("quick")
    r = named_recipe("fast", fields={"restart": 0, "warmup": 5}, steps=50, lr=None)  # any other field, beside the set overrides
    assert (r.restart, r.warmup, r.steps, r.lr) == (0, 5, 50, FAST_RECIPE.lr)
    assert FAST_RECIPE.patience and (r.patience, r.restart_from) == (0, "seed")  # one try: what only shapes restarts goes with them
    assert named_recipe("fast-r400", fields={"restart": 0}) == named_recipe("fast-lr0.5", fields={"restart": 0})  # they differ in patience alone
    with pytest.raises(ValueError, match="Recipe.patience extends a try"): named_recipe("fast", fields={"restart": 0, "patience": 5})  # unless asked for
    assert named_recipe("fast", fields={"lr": 0.2}, lr=None).lr == 0.2  # a None override leaves the field to `fields`
    with pytest.raises(ValueError, match=r"unknown recipe field\(s\) \['restrat'\]"): named_recipe("fast", fields={"restrat": 0})
    with pytest.raises(ValueError, match=r"\['steps'\] are set by their own parameter"): named_recipe("fast", fields={"steps": 9}, steps=50)
    with pytest.raises(ValueError, match="Recipe.patience extends a try"): named_recipe("paper", fields={"patience": 10})  # the Recipe's own checks
