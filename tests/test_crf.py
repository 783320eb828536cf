"""The CRF tagger: features, CoNLL scoring, the shipped model, a tiny training run."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.eval.conll import read_conll, score, spans
from marsad.ner.base import mention_norm
from marsad.ner.crf import (
    CrfTagger,
    Featurizer,
    Resources,
    _clitic_chars,
    build_lexicon,
    default_model_path,
    name_key,
)
from marsad.text.segment import split_sentences, tokenize
from shared_data import dataset_path


def need_anercorp() -> Path:
    return dataset_path("anercorp", "train.txt", name="ANERcorp").parent


def need_model() -> Path:
    path = default_model_path()
    if not path.exists():
        pytest.skip("shipped NER model missing; build it with python -m marsad.ner.train")
    return path


# -- scoring ---------------------------------------------------------------------------


def test_spans_follow_conlleval():
    tags = ["B-PERS", "I-PERS", "O", "I-LOC", "I-LOC", "B-LOC", "I-ORG", "B-MISC"]
    assert spans(tags) == [
        ("PERS", 0, 2),
        ("LOC", 3, 5),  # I- after O opens an entity
        ("LOC", 5, 6),  # B- after the same type opens a new one
        ("ORG", 6, 7),  # I- of another type opens one too
        ("MISC", 7, 8),
    ]
    assert spans(["O", "O"]) == []


def test_score_is_exact_match_micro_average():
    gold = [["B-PERS", "I-PERS", "O", "B-LOC"], ["B-ORG", "I-ORG", "I-ORG", "O"]]
    pred = [["B-PERS", "I-PERS", "O", "B-ORG"], ["B-ORG", "I-ORG", "O", "O"]]
    s = score(gold, pred)
    # PERS right; LOC predicted as ORG (one fn, one fp); the ORG is cut short (fn + fp)
    assert (s.types["PERS"].tp, s.types["PERS"].fp, s.types["PERS"].fn) == (1, 0, 0)
    assert (s.types["LOC"].tp, s.types["LOC"].fn) == (0, 1)
    assert (s.types["ORG"].tp, s.types["ORG"].fp, s.types["ORG"].fn) == (0, 2, 1)
    m = s.micro
    assert (m.tp, m.fp, m.fn) == (1, 2, 2)
    assert m.precision == pytest.approx(1 / 3) and m.recall == pytest.approx(1 / 3)
    assert score(gold, gold).micro.f1 == 1.0
    with pytest.raises(ValueError):
        score([["O"]], [["O", "O"]])


def test_read_conll_skips_empty_tokens(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("أعلن O\n O\nالرئيس O\nبوتين B-PERS\n\n. O\n", encoding="utf-8")
    assert read_conll(path) == [(["أعلن", "الرئيس", "بوتين"], ["O", "O", "B-PERS"]), (["."], ["O"])]


# -- features --------------------------------------------------------------------------


def test_features_on_arabic_words():
    res = Resources(
        clusters={"باريس": ("5", "197", "817"), "رييس": ("1", "2", "3")},
        gazetteer={name_key("الأمم المتحدة"): "ORG"},
        name_parts={"بوتين": "PERS"},
    )
    f = Featurizer(res)
    words = ["وقال", "الرئيس", "فلاديمير", "بوتين", "في", "باريس", "أمام", "الأمم", "المتحدة", "."]
    feats = f.sentence(words)
    assert len(feats) == len(words)
    said, president, _, putin, _, paris, _, umam, muttahida, dot = feats
    assert "w=وقال" in said and "s=قال" in said and "cue=S" in said and "BOS" in said
    assert "w=الرييس" in president and "s=رييس" in president and "cue=T" in president
    assert "c1=2" not in president  # clusters are looked up by the full key first ...
    assert "sc1=2" in president  # ... and by the stem
    assert "np" in putin and "-1w=فلاديمير" in putin and "-2cue=T" in putin
    assert "c2=817" in paris and "p2=با" in paris and "x2=يس" in paris and "-1w=في" in paris
    assert "gB-ORG" in umam and "gI-ORG" in muttahida and "gmulti" in umam
    assert "g+1I-ORG" in umam and "g-1B-ORG" in muttahida
    assert "k=dot" in dot and "EOS" in dot
    # memoised: the same word gives the same features object parts
    assert f._word("باريس") is f._word("باريس")


def test_shapes_and_digits():
    f = Featurizer(Resources())
    latin, digits, mixed = f.sentence(["NATO", "2019", "بـ34"])
    assert "k=LAT" in latin and "w=nato" in latin
    assert "k=digit" in digits and "w=0000" in digits
    assert "k=alnum" in mixed


def test_lexicon_majority_type():
    sents = [
        (["زار", "باريس"], ["O", "B-LOC"]),
        (["نادي", "باريس"], ["O", "B-ORG"]),
        (["مدينة", "باريس"], ["O", "B-LOC"]),
        (["الأمم", "المتحدة"], ["B-ORG", "I-ORG"]),
    ]
    lex = build_lexicon(sents)
    assert lex[name_key("باريس")] == "LOC"
    assert lex[name_key("الأمم المتحدة")] == "ORG"


def test_glued_proclitics_are_left_out_of_spans():
    assert _clitic_chars("وبالأمم", "الامم المتحده") == 2
    assert _clitic_chars("وَبِالأمم", "الامم المتحده") == 4  # diacritics stay with their letter
    assert _clitic_chars("للأمم", "الامم المتحده") == 0  # fused ل + ال stays whole
    assert _clitic_chars("وبريطانيا", "بريطانيا") == 1
    assert _clitic_chars("بغداد", "بغداد") == 0


# -- the shipped model -----------------------------------------------------------------


def test_shipped_model_tags_raw_text_with_exact_spans():
    need_model()
    text = (
        "قال الرئيس الفرنسي جاك شيراك، في مؤتمر صحفي عقده في باريس أمس (الاثنين)، "
        "إن فرنسا ستدعم قرار مجلس الأمن الدولي."
    )
    tagger = CrfTagger()
    mentions = tagger.tag("d1", text, split_sentences(text), tokenize(text))
    assert mentions
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.text == m.text.strip(" ،.()") and 0 < m.confidence <= 1
    found = {(m.text, m.type) for m in mentions}
    assert ("باريس", "LOC") in found and ("فرنسا", "LOC") in found
    assert any(m.type == "PER" and "شيراك" in m.text for m in mentions)


def test_first_pass_alone():
    need_model()
    text = "وقال الرئيس الفرنسي جاك شيراك في باريس إن فرنسا ستدعم القرار."
    both, first = CrfTagger(), CrfTagger(passes=1)
    assert both.load().passes == 2 and first.load().passes == 1
    found = {(m.text, m.type) for m in first.tag("d", text, split_sentences(text), tokenize(text))}
    assert ("باريس", "LOC") in found and ("جاك شيراك", "PER") in found


def test_a_family_name_alone_is_not_read_as_a_clitic_and_a_name():
    need_model()
    # ك + "الفيني" is a possible reading of "كالفيني"; the full name earlier says otherwise
    text = "التقى اللواء ماوريتسيو كالفيني بالوفد. وقال كالفيني إن الوضع هادئ."
    mentions = CrfTagger().tag("d", text, split_sentences(text), tokenize(text))
    persons = [m for m in mentions if m.type == "PER"]
    assert [m.text for m in persons] == ["ماوريتسيو كالفيني", "كالفيني"]
    assert persons[1].norm == "كالفيني"


def test_shipped_model_on_dev_sentences_through_raw_text():
    data = need_anercorp()
    need_model()
    tagger = CrfTagger()
    dev = read_conll(data / "dev.txt")
    gold_spans: set[tuple[int, int, str]] = set()
    got: set[tuple[int, int, str]] = set()
    checked = 0
    for toks, tags in dev:
        if not spans(tags) or any(not t[:1].isalnum() and len(t) > 1 for t in toks):
            continue
        text = " ".join(toks)
        starts = [sum(len(t) + 1 for t in toks[:i]) for i in range(len(toks))]
        base = len(gold_spans) + 100_000 * checked  # keep sentences apart in the sets
        for typ, a, b in spans(tags):
            # ANERcorp's names include a glued proclitic, mentions leave it out
            start, end = starts[a], starts[b - 1] + len(toks[b - 1])
            start += _clitic_chars(toks[a], mention_norm(text[start:end]))
            gold_spans.add((base + start, base + end, typ))
        sentences = split_sentences(text)
        for m in tagger.tag("dev", text, sentences, tokenize(text)):
            assert text[m.start : m.end] == m.text
            back = {"PER": "PERS"}.get(m.type, m.type)
            got.add((base + m.start, base + m.end, back))
        checked += 1
        if checked == 60:
            break
    assert checked == 60
    tp = len(gold_spans & got)
    f1 = 2 * tp / (len(gold_spans) + len(got))
    assert f1 > 0.6, f"exact-span F1 {f1:.3f} on {checked} dev sentences through raw text"


# -- training --------------------------------------------------------------------------


def test_tiny_training_run(tmp_path):
    data = need_anercorp()
    from marsad.ner.train import train_ner

    out = tmp_path / "tiny.zip"
    result = train_ner(data, out, max_iterations=40, limit=100, folds=2)
    assert out.exists() and result["sentences"] == 100
    dev = result["dev"]
    assert isinstance(dev, dict) and 0.1 < dev["micro"]["f1"] < 0.9
    tagger = CrfTagger(out)
    text = "وصل وزير الخارجية الأمريكي إلى القاهرة."
    for m in tagger.tag("t", text, split_sentences(text), tokenize(text)):
        assert text[m.start : m.end] == m.text


def test_numpy_decoder_matches_crfsuite(tmp_path):
    data = need_anercorp()
    import numpy as np
    import pycrfsuite

    from marsad.ner.crf import Decoder, Weights
    from marsad.ner.train import fit_crf

    train = read_conll(data / "train.txt")[:150]
    dev = read_conll(data / "dev.txt")[:40]
    feat = Featurizer(Resources(lexicon=build_lexicon(train)))
    model = tmp_path / "m.crfsuite"
    fit_crf(
        [feat.sentence(t) for t, _ in train],
        [y for _, y in train],
        model,
        {"c1": 0.05, "c2": 0.01, "max_iterations": 40},
    )
    ref = pycrfsuite.Tagger()
    ref.open(str(model))
    decoder = Decoder(feat, Weights.from_crfsuite([model]))
    words = [t for t, _ in dev]
    labels, probs = decoder.tag_document(words, with_marginals=True)
    for sent, got, ps in zip(words, labels, probs, strict=True):
        assert got == ref.tag(feat.sentence(sent))
        for i, y in enumerate(got):
            assert ps[i] == pytest.approx(ref.marginal(y, i), abs=1e-4)
    assert np.isfinite(decoder.w.state).all()
