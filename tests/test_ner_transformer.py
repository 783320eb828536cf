"""The optional transformer tagger, on tiny BERT token-classification models built here.

Two kinds of model are saved with ``save_pretrained``:
- a "lookup" model with no encoder layers, whose embeddings and classifier are set so each
  vocabulary entry always gets one fixed label: its output is known, so the decoding (first
  subword, I- continuation, windows, spans, types) can be checked exactly;
- a randomly initialised two-layer model whose classifier bias makes one label win
  everywhere, which runs a real attention stack.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="transformer tagger needs torch (optional extra)")
transformers = pytest.importorskip(
    "transformers", reason="transformer tagger needs transformers (optional extra)"
)

from marsad.model import Sentence  # noqa: E402
from marsad.ner.transformer import (  # noqa: E402
    ENV_VAR,
    TransformerModelError,
    TransformerTagger,
    decode_labels,
    split_label,
    strip_marks,
    tagger_from_env,
)
from marsad.text.segment import split_sentences, tokenize  # noqa: E402

LABELS = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
LABELS += ["B-DATE", "I-DATE"]

DOC = (
    "قالَ الرئيسُ الفلسطينيّ محمود عبّاس إنّ المفاوضات مع إسرائيل ستُستأنف في رام الله.\n"
    "وأعلنت منظمة الصحة العالمية أنّ الوبــاء انتشر في القـاهرة وعمّان.\n"
    "التقى وزير الخارجية الأردني أيمن الصفدي نظيره المصري في عمان يوم الخميس."
)

# the lookup model's label of each vocabulary entry (everything else is O)
LOOKUP = {
    "محمود": "B-PERS",
    "عباس": "I-PERS",
    "أيمن": "B-PERS",
    "الصفدي": "I-PERS",
    "إسرا": "B-LOC",
    "##ئيل": "B-ORG",  # not a word's first subword: must not count
    "رام": "B-LOC",
    "الله": "I-LOC",
    "القاهرة": "B-LOC",
    "وعمان": "B-LOC",
    "عمان": "B-LOC",
    "منظمة": "B-ORG",
    "الصحة": "I-ORG",
    "العالمية": "I-ORG",
    "المصري": "B-MISC",
    "الخميس": "B-DATE",  # a type marsad does not take from the model
}
# words kept out of the vocabulary whole: split into pieces, or unknown
SPLIT = {"إسرائيل": ["إسرا", "##ئيل"], "ستستأنف": []}


def _vocab(texts: list[str]) -> list[str]:
    words: dict[str, None] = {}
    for text in texts:
        for w in re.findall(r"\w+|[^\w\s]", strip_marks(text)[0]):
            for piece in SPLIT.get(w, [w]):
                words[piece] = None
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words, *LOOKUP]


def _save(model, vocab: list[str], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "vocab.txt").write_text("\n".join(dict.fromkeys(vocab)) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizerFast.from_pretrained(str(out), do_lower_case=False)
    tokenizer.save_pretrained(str(out))
    model.save_pretrained(str(out))
    return out


def _config(n_vocab: int, layers: int, labels: list[str] = LABELS):
    return transformers.BertConfig(
        vocab_size=n_vocab,
        hidden_size=16,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=512,
        id2label=dict(enumerate(labels)),
        label2id={lab: i for i, lab in enumerate(labels)},
    )


def build_lookup_model(out: Path, texts: list[str]) -> Path:
    """No encoder layers: a token's hidden state is LayerNorm(its embedding), its embedding
    is one-hot on its label's dimension, and the classifier reads label i off dimension i."""
    vocab = list(dict.fromkeys(_vocab(texts)))
    torch.manual_seed(0)
    model = transformers.BertForTokenClassification(_config(len(vocab), 0))
    emb = model.bert.embeddings
    with torch.no_grad():
        emb.word_embeddings.weight.zero_()
        emb.position_embeddings.weight.zero_()
        emb.token_type_embeddings.weight.zero_()
        for i, piece in enumerate(vocab):
            emb.word_embeddings.weight[i, LABELS.index(LOOKUP.get(piece, "O"))] = 1.0
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        for i in range(len(LABELS)):
            model.classifier.weight[i, i] = 10.0
    return _save(model, vocab, out)


def build_biased_model(out: Path, texts: list[str], winner: str) -> Path:
    """Random two-layer BERT whose classifier bias makes ``winner`` every token's label."""
    vocab = list(dict.fromkeys(_vocab(texts)))
    torch.manual_seed(1)
    model = transformers.BertForTokenClassification(_config(len(vocab), 2))
    with torch.no_grad():
        model.classifier.bias.zero_()
        model.classifier.bias[LABELS.index(winner)] = 50.0
    return _save(model, vocab, out)


LONG_CHUNK = "التقى محمود عبّاس وفدا في رام الله ثم عاد إلى إسرائيل"


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("ner-models")
    texts = [DOC, LONG_CHUNK]
    return {
        "lookup": build_lookup_model(root / "lookup", texts),
        "loc": build_biased_model(root / "loc", texts, "B-LOC"),
        "iper": build_biased_model(root / "iper", texts, "I-PERS"),
    }


def _check_spans(text: str, mentions) -> None:
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.text == m.text.strip() and m.text
    for a, b in zip(mentions, mentions[1:], strict=False):
        assert a.end <= b.start  # sorted, no overlaps


# -- pure helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("B-PERS", ("B", "PERS")),
        ("i_org", ("I", "ORG")),
        ("S-GPE", ("S", "GPE")),
        ("PERSON", ("I", "PERSON")),
        ("O", ("O", None)),
        ("B-WORK_OF_ART", ("B", "WORK_OF_ART")),
    ],
)
def test_split_label(label, expected):
    assert split_label(label) == expected


def test_decode_bio_bioes_bilou():
    assert decode_labels(["B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-LOC"]) == [
        ("PER", 0, 2),
        ("LOC", 3, 5),
        ("LOC", 5, 6),
    ]
    assert decode_labels(["S-PER", "B-ORG", "I-ORG", "E-ORG", "S-ORG", "O"]) == [
        ("PER", 0, 1),
        ("ORG", 1, 4),
        ("ORG", 4, 5),
    ]
    assert decode_labels(["U-GPE", "B-PER", "L-PER", "I-PER"]) == [
        ("GPE", 0, 1),
        ("PER", 1, 3),
        ("PER", 3, 4),
    ]
    # a type change inside a mention starts a new one
    assert decode_labels(["B-PER", "I-LOC"]) == [("PER", 0, 1), ("LOC", 1, 2)]


def test_strip_marks_maps_back():
    raw = "الرئيـــسُ عبّاس"
    clean, index = strip_marks(raw)
    assert clean == "الرئيس عباس"
    assert "".join(raw[i] for i in index) == clean


# -- the lookup model: exact behaviour -----------------------------------------------------


def test_lookup_model_mentions(models):
    tagger = TransformerTagger(models["lookup"])
    mentions = tagger.tag("d1", DOC, split_sentences(DOC), tokenize(DOC))
    _check_spans(DOC, mentions)
    got = [(m.text, m.type) for m in mentions]
    assert got == [
        ("محمود عبّاس", "PER"),
        ("إسرائيل", "LOC"),  # first subword decides; ##ئيل's label is ignored
        ("رام الله", "LOC"),
        ("منظمة الصحة العالمية", "ORG"),
        ("القـاهرة", "LOC"),  # tatweel kept in the span
        ("عمّان", "LOC"),  # the proclitic و of وعمّان left out, as the other taggers do
        ("أيمن الصفدي", "PER"),
        ("المصري", "MISC"),
        ("عمان", "LOC"),
    ]  # الخميس (DATE) is not taken
    by_text = {m.text: m for m in mentions}
    assert by_text["القـاهرة"].norm == "القاهره"
    assert by_text["عمّان"].norm == "عمان"
    assert all(0.0 < m.confidence <= 1.0 for m in mentions)
    # attributes are attached after tagging, as the other taggers do
    assert by_text["أيمن الصفدي"].attributes
    assert all(DOC[a.start : a.end] == a.text for m in mentions for a in m.attributes)


def test_sentences_and_tokens_optional(models):
    tagger = TransformerTagger(models["lookup"])
    assert tagger.tag("d1", DOC) == tagger.tag("d1", DOC, split_sentences(DOC), tokenize(DOC))
    assert tagger.tag("d1", "") == []
    assert tagger.tag("d1", "  \n ") == []


def test_long_sentence_sliding_window(models):
    n = 100
    text = " و".join([LONG_CHUNK] * n) + "."
    tagger = TransformerTagger(models["lookup"], batch_size=2)
    tagger.load()
    assert len(tagger._tokenizer(text)["input_ids"]) > 2 * 512  # three windows at least
    mentions = tagger.tag("long", text, [Sentence(0, len(text), text)])
    _check_spans(text, mentions)
    assert [(m.text, m.type) for m in mentions] == [
        ("محمود عبّاس", "PER"),
        ("رام الله", "LOC"),
        ("إسرائيل", "LOC"),
    ] * n


# -- random models with one winning label -------------------------------------------------


def _words(text: str) -> list[tuple[int, int]]:
    """Word spans, as BERT splits them too for these texts (no numbers, no Latin)."""
    return [(t.start, t.end) for t in tokenize(text) if re.search(r"\w", t.text)]


def test_random_model_every_word_a_place(models):
    tagger = TransformerTagger(models["loc"])
    mentions = tagger.tag("d1", DOC, split_sentences(DOC), tokenize(DOC))
    _check_spans(DOC, mentions)
    words = _words(DOC)
    # every word became its own LOC mention (B- each time), ending where the word ends
    # (marks included); a glued proclitic may be left out at the start
    assert len(mentions) == len(words)
    for m, (a, b) in zip(mentions, words, strict=True):
        assert m.type == "LOC"
        assert m.end == b and a <= m.start < b and m.start - a <= 1


def test_random_model_continuations_merge(models):
    tagger = TransformerTagger(models["iper"])
    sentences = split_sentences(DOC)
    mentions = tagger.tag("d1", DOC, sentences, tokenize(DOC))
    _check_spans(DOC, mentions)
    # I- everywhere: one PER mention per sentence, without the final full stop
    assert len(mentions) == len(sentences) == 3
    for m, s in zip(mentions, sentences, strict=True):
        assert m.type == "PER"
        assert m.end == s.end - 1 and DOC[s.end - 1] == "."
        assert s.start <= m.start <= s.start + 1


def test_random_model_long_text(models):
    text = "\n".join([LONG_CHUNK + "،" + " و".join([LONG_CHUNK] * 60) + "."] * 2)
    tagger = TransformerTagger(models["loc"], batch_size=4)
    start = time.perf_counter()
    mentions = tagger.tag("long", text)
    assert time.perf_counter() - start < 10
    _check_spans(text, mentions)
    assert len(mentions) == len(_words(text))


# -- errors and configuration --------------------------------------------------------------


def test_missing_directory(tmp_path):
    path = tmp_path / "no-such-model"
    with pytest.raises(TransformerModelError, match="does not exist") as info:
        TransformerTagger(path)
    assert str(path) in str(info.value)


def test_directory_without_model(tmp_path):
    with pytest.raises(TransformerModelError, match="config.json") as info:
        TransformerTagger(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_not_a_token_classification_model(tmp_path):
    vocab = _vocab([DOC])
    model = transformers.BertModel(_config(len(vocab), 1))
    path = _save(model, vocab, tmp_path / "encoder")
    with pytest.raises(TransformerModelError, match="not a token-classification") as info:
        TransformerTagger(path)
    assert "BertModel" in str(info.value) and str(path) in str(info.value)


def test_labels_without_entity_types(tmp_path):
    vocab = _vocab([DOC])
    labels = ["LABEL_0", "LABEL_1", "LABEL_2"]
    model = transformers.BertForTokenClassification(_config(len(vocab), 1, labels))
    path = _save(model, vocab, tmp_path / "unlabelled")
    with pytest.raises(TransformerModelError, match="LABEL_0"):
        TransformerTagger(path)


def test_missing_weights(models, tmp_path):
    path = tmp_path / "no-weights"
    path.mkdir()
    (path / "config.json").write_bytes((models["lookup"] / "config.json").read_bytes())
    with pytest.raises(TransformerModelError, match="no model weights"):
        TransformerTagger(path)


def test_bad_device(models):
    with pytest.raises(TransformerModelError, match="device"):
        TransformerTagger(models["lookup"], device="no-such-device")


def test_transformers_not_installed(models, monkeypatch):
    monkeypatch.setitem(sys.modules, "transformers", None)  # makes the import fail
    with pytest.raises(TransformerModelError, match="transformers"):
        TransformerTagger(models["lookup"])


def test_tagger_from_env(models, monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert tagger_from_env() is None
    monkeypatch.setenv(ENV_VAR, str(models["lookup"]))
    tagger = tagger_from_env()
    assert isinstance(tagger, TransformerTagger)
    assert [m.type for m in tagger.tag("d", "التقى محمود عبّاس في رام الله.")] == ["PER", "LOC"]
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "gone"))
    with pytest.raises(TransformerModelError, match="gone"):
        tagger_from_env()
