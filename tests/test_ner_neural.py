"""The neural tagger's numpy forward pass and the CRF + network ensemble."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from marsad.eval.conll import read_conll, score, spans
from marsad.ner.ensemble import bio_transitions
from marsad.ner.neural import (
    CUE_CLASSES,
    GAZ_TAGS,
    SHAPES,
    Encoder,
    NeuralModel,
    NeuralTagger,
    average_emissions,
    default_neural_path,
    dequantise,
    load_neural,
    quantise,
    save_neural,
)
from shared_data import dataset_path

LABELS = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
WORDS = ["قال", "وزير", "الخارجية", "الأردني", "أيمن", "الصفدي", "في", "عمان", "اليوم"]
GAZ = {("عمان",): "LOC"}
PARTS = {"ايمن": "PERS"}


def need_dev_and_shipped_network() -> Path:
    data = dataset_path("anercorp", "dev.txt", name="ANERcorp").parent
    if not default_neural_path().exists():
        pytest.skip("shipped neural model missing; build it with marsad train ner-neural")
    return data


def random_arrays(rng: np.random.Generator, n_vectors: int, n_chars: int) -> dict:
    dim, filters, hidden = 12, 10, 8
    d_in = dim + filters + 8 + 8 + 4 + 8

    def r(*shape: int) -> np.ndarray:
        return rng.normal(0, 0.5, shape).astype(np.float32)

    vectors = r(n_vectors, dim)
    vectors[0] = 0
    char_emb = r(n_chars, 6)
    char_emb[0] = 0
    return {
        "word_vectors": vectors,
        "char_emb": char_emb,
        "char_conv_w": r(filters, 6, 3),
        "char_conv_b": r(filters),
        "shape_emb": r(len(SHAPES), 8),
        "cue_emb": r(len(CUE_CLASSES), 8),
        "part_emb": r(2, 4),
        "gaz_emb": r(len(GAZ_TAGS), 8),
        "lstm_f_wih": r(4 * hidden, d_in),
        "lstm_f_whh": r(4 * hidden, hidden),
        "lstm_f_b": r(4 * hidden),
        "lstm_b_wih": r(4 * hidden, d_in),
        "lstm_b_whh": r(4 * hidden, hidden),
        "lstm_b_b": r(4 * hidden),
        "out_w": r(len(LABELS), 2 * hidden),
        "out_b": r(len(LABELS)),
        "trans": r(len(LABELS), len(LABELS)),
        "start": r(len(LABELS)),
        "end": r(len(LABELS)),
    }


def tiny_model(tmp_path):
    rng = np.random.default_rng(3)
    chars = sorted({c for w in WORDS for c in w})
    arrays = random_arrays(rng, len(WORDS) + 1, len(chars) + 4)
    path = tmp_path / "tiny.npz"
    save_neural(path, arrays, WORDS, chars, LABELS, GAZ, PARTS, {"trained_on": "nothing"})
    return path, arrays, chars


def test_quantised_vectors_stay_close():
    rng = np.random.default_rng(0)
    vec = rng.normal(0, 0.2, (50, 16)).astype(np.float32)
    vec[0] = 0
    back = dequantise(*quantise(vec))
    assert np.abs(back - vec).max() <= np.abs(vec).max(axis=1).max() / 127 * 0.51
    assert np.all(back[0] == 0)


def test_saved_model_round_trips_and_tags_each_token(tmp_path):
    path, arrays, _ = tiny_model(tmp_path)
    model, meta = load_neural(path)
    assert meta["trained_on"] == "nothing"
    assert model.labels == LABELS
    sents = [WORDS, WORDS[:3], [], ["كلمة", "جديدة", "تماما"]]
    ems = model.emissions(sents)
    assert [e.shape for e in ems] == [(9, 9), (3, 9), (0, 9), (3, 9)]
    # a sentence scores the same alone as in a batch with longer ones (padding is inert)
    alone = model.emissions([WORDS[:3]])[0]
    assert np.allclose(alone, ems[1], atol=1e-5)
    # memoised words give the same scores as a cold cache
    fresh, _ = load_neural(path)
    assert np.allclose(fresh.emissions([WORDS])[0], ems[0], atol=1e-5)
    labels, probs = NeuralTagger(path).tag_document(sents, with_marginals=True)
    assert [len(y) for y in labels] == [9, 3, 0, 3]
    assert all(np.allclose(p.sum(axis=1), 1.0) for p in probs if len(p))


def test_encoder_reads_clitics_gazetteer_and_name_parts():
    enc = Encoder(WORDS, sorted({c for w in WORDS for c in w}), GAZ, PARTS)
    # وعمان: the clitic-free stem finds the word's vector and the gazetteer entry
    assert enc.word("وعمان").vector == WORDS.index("عمان") + 1
    assert enc.word("مجهولة").vector == 0
    assert enc.gazetteer_tags(["في", "عمان"]) == [0, GAZ_TAGS.index("B-LOC")]
    assert enc.word("أيمن").name_part == 1
    assert enc.word("Reuters").shape == SHAPES.index("Lat")


def assert_matches_torch(ours: list, em: np.ndarray, sents: list, arrays: dict) -> None:
    """numpy's scores of each sentence equal PyTorch's padded ones (``em``), start and end
    scores added on the first and last token as numpy adds them."""
    for k, (words, _) in enumerate(sents):
        want = em[k, : len(words)].astype(np.float64)
        want[0] += arrays["start"]
        want[-1] += arrays["end"]
        assert np.allclose(ours[k], want, atol=1e-4)


def randomised_for_parity(torch, net, vectors: np.ndarray | None = None):  # type: ignore[no-untyped-def]
    """``net`` with every weight drawn at random (the CRF scores start at zero: make them
    count), the padding character kept at zero as training keeps it, ``vectors`` as its word
    vectors when given, in evaluation mode."""
    for q in net.parameters():
        torch.nn.init.normal_(q, 0, 0.5)
    with torch.no_grad():
        net.char_emb.weight[0] = 0
        if vectors is not None:
            net.word_vectors.weight.copy_(torch.from_numpy(vectors))
    return net.eval()


def random_vectors(seed: int) -> np.ndarray:
    """Word vectors for ``WORDS``, row 0 (the unknown word) zero."""
    vectors = np.random.default_rng(seed).normal(size=(len(WORDS) + 1, 12)).astype(np.float32)
    vectors[0] = 0
    return vectors


@pytest.mark.parametrize("widths", ["3", "2,3,5"])
def test_numpy_forward_pass_matches_pytorch(widths):
    torch = pytest.importorskip("torch")
    from marsad.ner.neural_train import build_model, encode_sentences, export_arrays, make_batch

    torch.manual_seed(0)
    chars = sorted({c for w in WORDS for c in w})
    p = {"char_dim": 6, "char_filters": 10, "hidden": 8, "dropout": 0.5, "char_widths": widths}
    net = randomised_for_parity(torch, build_model(torch, len(WORDS) + 1, 12, len(chars) + 4, p))
    enc = Encoder(WORDS, chars, GAZ, PARTS)
    sents = [(WORDS, ["O"] * len(WORDS)), (WORDS[3:7], ["O"] * 4)]
    batch = make_batch(torch, encode_sentences(enc, sents))
    with torch.no_grad():
        em = net.emissions(batch).numpy()
    arrays = export_arrays(net, net.word_vectors.weight.detach().numpy())
    model = NeuralModel(arrays, enc, LABELS)
    ours = model.emissions([s for s, _ in sents])
    assert_matches_torch(ours, em, sents, arrays)


def test_numpy_forward_pass_with_a_context_model_matches_pytorch():
    torch = pytest.importorskip("torch")
    from marsad.ner.context_lm import build_lm, export_lm
    from marsad.ner.neural_train import (
        add_context_states,
        build_model,
        encode_sentences,
        export_arrays,
        make_batch,
    )

    torch.manual_seed(1)
    chars = sorted({c for w in WORDS for c in w})
    vectors = random_vectors(2)
    lm_net = build_lm(torch, vectors, 5)
    for q in lm_net.lstm.parameters():
        torch.nn.init.normal_(q, 0, 0.5)
    lm = export_lm(lm_net)
    p = {"char_dim": 6, "char_filters": 10, "hidden": 8, "dropout": 0.5, "lm_proj": 4}
    net = build_model(torch, len(WORDS) + 1, 12, len(chars) + 4, p, lm_dim=10)
    randomised_for_parity(torch, net, vectors)
    enc = Encoder(WORDS, chars, GAZ, PARTS)
    sents = [(WORDS, ["O"] * len(WORDS)), (WORDS[2:5], ["O"] * 3), (WORDS[4:9], ["O"] * 5)]
    data = encode_sentences(enc, sents)
    add_context_states(torch, lm, data, vectors)
    with torch.no_grad():
        em = net.emissions(make_batch(torch, data)).numpy()
    arrays = export_arrays(net, vectors, lm)
    model = NeuralModel(arrays, enc, LABELS)
    assert model.lm_hidden == 5
    ours = model.emissions([s for s, _ in sents])
    assert_matches_torch(ours, em, sents, arrays)
    # the language model's states matter: without them the scores differ
    plain = {k: v for k, v in arrays.items() if not k.startswith("lm_")}
    plain["lstm_f_wih"] = arrays["lstm_f_wih"][:, :-4]
    plain["lstm_b_wih"] = arrays["lstm_b_wih"][:, :-4]
    other = NeuralModel(plain, enc, LABELS).emissions([s for s, _ in sents])
    assert not np.allclose(other[0], ours[0], atol=1e-3)


def test_numpy_forward_pass_with_a_tuned_context_model_matches_pytorch():
    # --tune-lm: the language model runs inside the network and its trained weights ship
    torch = pytest.importorskip("torch")
    from marsad.ner.context_lm import build_lm, export_lm
    from marsad.ner.neural_train import build_model, encode_sentences, export_arrays, make_batch

    torch.manual_seed(3)
    chars = sorted({c for w in WORDS for c in w})
    vectors = random_vectors(4)
    lm = export_lm(build_lm(torch, vectors, 5))
    p = {"char_dim": 6, "char_filters": 10, "hidden": 8, "dropout": 0.5, "lm_proj": 4}
    net = build_model(torch, len(WORDS) + 1, 12, len(chars) + 4, p, lm_dim=10, lm=lm)
    randomised_for_parity(torch, net, vectors)  # the tuned language model is not the one given
    enc = Encoder(WORDS, chars, GAZ, PARTS)
    sents = [(WORDS, ["O"] * len(WORDS)), (WORDS[1:6], ["O"] * 5)]
    with torch.no_grad():
        em = net.emissions(make_batch(torch, encode_sentences(enc, sents))).numpy()
    arrays = export_arrays(net, vectors, lm)
    assert not np.allclose(arrays["lm_f_whh"], lm["lm_f_whh"])
    ours = NeuralModel(arrays, enc, LABELS).emissions([s for s, _ in sents])
    assert_matches_torch(ours, em, sents, arrays)


def test_bio_constraint_forbids_inside_after_outside_or_other_type():
    t = bio_transitions(LABELS)
    idx = LABELS.index
    assert t[idx("O"), idx("I-PERS")] < -100
    assert t[idx("B-LOC"), idx("I-PERS")] < -100
    assert t[idx("B-PERS"), idx("I-PERS")] == 0
    assert t[idx("I-PERS"), idx("I-PERS")] == 0
    assert t[idx("I-PERS"), idx("B-LOC")] == 0


def test_shipped_ensemble_finds_names_in_dev_sentences():
    data = need_dev_and_shipped_network()
    from marsad.ner.crf import CrfTagger

    sents = read_conll(data / "dev.txt")[:120]
    words = [w for w, _ in sents]
    gold = [y for _, y in sents]
    crf_only = CrfTagger(neural=False).tag_words(words)
    both = CrfTagger().tag_words(words)
    # the ensemble finds most names of real dev sentences, no worse than the CRF alone
    assert score(gold, both).micro.f1 >= 0.7
    assert score(gold, both).micro.f1 >= score(gold, crf_only).micro.f1 - 0.02
    assert sum(len(spans(y)) for y in both) > 0.7 * sum(len(spans(y)) for y in gold)


def test_shipped_network_reads_the_news_language_model():
    if not default_neural_path().exists():
        pytest.skip("shipped neural model missing; build it with marsad train ner-neural")
    model, meta = load_neural()
    assert model.lm_hidden > 0 and meta["context_lm"]
    # and its states weigh on the scores of a real sentence
    words = ["وقال", "الرئيس", "الأمريكي", "جورج", "بوش", "في", "واشنطن"]
    with_lm = model.emissions([words])[0]
    model.a["lm_proj_w"] = np.zeros_like(model.a["lm_proj_w"])
    model._cache.clear()
    assert not np.allclose(model.emissions([words])[0], with_lm, atol=0.1)


def test_stacked_networks_average_their_scores():
    chars = sorted({c for w in WORDS for c in w})
    enc = Encoder(WORDS, chars, GAZ, PARTS)
    models = [
        NeuralModel(
            random_arrays(np.random.default_rng(seed), len(WORDS) + 1, len(chars) + 4), enc, LABELS
        )
        for seed in (5, 6, 7)
    ]
    sents = [WORDS[2:], [], WORDS, ["في", "عمان"]]
    together = average_emissions(models, sents)
    alone = [m.emissions(sents) for m in models]
    for k in range(len(sents)):
        want = sum(a[k] for a in alone) / 3 if len(sents[k]) else np.zeros((0, len(LABELS)))
        assert together[k].shape == want.shape
        assert np.allclose(together[k], want, atol=1e-5)


def test_gated_ensemble_asks_the_network_only_where_the_crf_is_unsure():
    data = need_dev_and_shipped_network()
    from marsad.ner.crf import CrfTagger
    from marsad.ner.ensemble import EnsembleDecoder

    sents = read_conll(data / "dev.txt")[:60]
    words = [w for w, _ in sents]
    gold = [y for _, y in sents]
    crf = CrfTagger(neural=False)
    decoder = crf.load()
    model, _ = load_neural(default_neural_path())
    always = EnsembleDecoder(decoder, [model], gate=1.0)
    gated = EnsembleDecoder(decoder, [model], gate=0.95)
    _, crf_ems = decoder.decode(words)
    trans = decoder.w.trans[decoder.passes - 1]
    pieces = gated._ask_network(words, crf_ems, trans)
    # fewer tokens go through the network, each piece inside its sentence
    assert 0 < sum(hi - lo for _, lo, hi, _ in pieces) < sum(len(w) for w in words)
    assert all(0 <= lo < hi <= len(words[k]) for k, lo, hi, _ in pieces)
    full = always.tag_document(words)[0]
    part = gated.tag_document(words)[0]
    assert [len(y) for y in part] == [len(w) for w in words]
    assert score(gold, part).micro.f1 >= score(gold, full).micro.f1 - 0.03


def test_training_command_without_pytorch_is_one_clear_line(monkeypatch, tmp_path):
    import importlib.util

    from typer.testing import CliRunner

    from marsad.cli import app

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a)
    )
    result = CliRunner().invoke(app, ["train", "ner-neural", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "PyTorch" in result.output and "Traceback" not in result.output
    assert not list(tmp_path.iterdir())  # nothing written
