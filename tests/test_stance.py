"""Stance pair classifier: features, contradiction cues, the shipped model, training, eval."""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import pytest

from marsad.compare.stance import (
    LABELS,
    StanceModel,
    _side,
    contradiction_signals,
    default_model,
    pair_features,
)
from marsad.compare.train_stance import macro_f1, read_split, train_stance
from marsad.eval.stance import evaluate_stance
from shared_data import DATASETS, dataset_path

ANS = DATASETS / "ans"

PARAPHRASE = (
    "السعودية تعلن افتتاح أول دار سينما في الرياض",
    "افتتاح أول دار للسينما في الرياض بحسب إعلان سعودي",
)
NEGATED = (
    "الحكومة المصرية توافق على رفع أسعار الوقود",
    "الحكومة المصرية لم توافق على رفع أسعار الوقود",
)
ANTONYM = (
    "ارتفاع أسعار الذهب مع تراجع الدولار",
    "انخفاض أسعار الذهب مع تراجع الدولار",
)
UNRELATED = (
    "ارتفاع أسعار النفط بعد قرار أوبك خفض الإنتاج",
    "فوز ريال مدريد بكأس دوري أبطال أوروبا للمرة الثالثة",
)


def _need_ans() -> None:
    dataset_path("ans", "stance", "dev.csv", name="ANS data set")


def test_paraphrase_features_show_overlap_and_no_contradiction() -> None:
    f = pair_features(*PARAPHRASE)
    assert f["d:cover_a"] > 0.7 and f["d:cover_b"] > 0.7
    assert f["d:neg_asym"] == 0.0
    assert "d:antonym" not in f
    s = contradiction_signals(*PARAPHRASE)
    assert not s["negation_asymmetry"] and not s["antonym_found"] and not s["number_mismatch"]
    assert s["overlap"] > 0.7


def test_negated_pair_has_negation_asymmetry_only() -> None:
    f = pair_features(*NEGATED)
    assert f["d:neg_asym"] == 1.0 and f["d:neg_b"] == 1.0 and f["d:neg_a"] == 0.0
    assert f["negb:لم"] == 1.0
    # the content words are the same: nothing removed or added
    assert not any(k.startswith(("rm:", "add:")) for k in f)
    assert contradiction_signals(*NEGATED)["negation_asymmetry"] is True


def test_antonym_pair_is_found_across_inflections() -> None:
    s = contradiction_signals(*ANTONYM)
    assert s["antonym_found"]
    assert s["antonyms"][0][0] == "up_down"
    # verb / noun forms of the same opposition
    s2 = contradiction_signals("الذهب يرتفع لأعلى مستوى", "الذهب ينخفض لأدنى مستوى")
    assert {g for g, _, _ in s2["antonyms"]} == {"up_down"}
    assert not contradiction_signals("الذهب يرتفع", "ارتفاع الذهب")["antonym_found"]


def test_number_mismatch_reads_arabic_indic_digits() -> None:
    s = contradiction_signals("مقتل 22 شخصا في غارة جوية", "مقتل ١٢ شخصا في غارة جوية")
    assert s["number_mismatch"] and s["numbers_b"] == ["12"]
    same = contradiction_signals("مقتل 22 شخصا في غارة جوية", "غارة جوية تقتل ٢٢ شخصا")
    assert not same["number_mismatch"]


def test_signals_are_symmetric() -> None:
    for a, b in (PARAPHRASE, NEGATED, ANTONYM, UNRELATED):
        x, y = contradiction_signals(a, b), contradiction_signals(b, a)
        for key in ("negation_asymmetry", "antonym_found", "number_mismatch", "overlap"):
            assert x[key] == y[key]


def test_shipped_model_loads_and_separates_clear_cases() -> None:
    model = default_model()
    assert model.labels == LABELS
    probs = model.predict_proba([PARAPHRASE, NEGATED, ANTONYM, UNRELATED])
    for p in probs:
        assert set(p) == set(LABELS) and abs(sum(p.values()) - 1) < 1e-6
    assert model.predict([PARAPHRASE, NEGATED, ANTONYM, UNRELATED]) == [
        "agree",
        "disagree",
        "disagree",
        "other",
    ]


def test_shipped_model_flags_dev_pairs_that_differ_only_by_negation() -> None:
    _need_ans()
    pairs, _ = read_split(ANS, "dev")
    negated = []
    for a, b in pairs:
        sa, sb = _side(a), _side(b)
        same_content = {sa.skels[i] for i in sa.content} == {sb.skels[i] for i in sb.content}
        if same_content and (sa.negations > 0) != (sb.negations > 0):
            negated.append((a, b))
    if not negated:
        pytest.skip("no dev pair differs only by a negation word")
    assert default_model().predict(negated) == ["disagree"] * len(negated)


def test_prediction_is_fast() -> None:
    model = default_model()
    pairs = [(f"{a} {i}", f"{b} {i}") for i in range(100) for a, b in (PARAPHRASE, ANTONYM)]
    start = time.perf_counter()
    model.predict(pairs)
    assert (time.perf_counter() - start) / len(pairs) < 0.002


def test_train_save_load_round_trip(tmp_path: Path) -> None:
    rows = [
        (*PARAPHRASE, "agree"),
        ("روسيا تعلن تطوير الدفاع الجوي السوري", "روسيا: تطوير الدفاع الجوي السوري", "agree"),
        (*NEGATED, "disagree"),
        (*ANTONYM, "disagree"),
        ("فوز حزب النهضة في تونس", "حزب النهضة يخسر في تونس", "disagree"),
        (*UNRELATED, "other"),
        ("مصر تخفض أسعار الغاز", "وفاة مصممة رقصات في بريطانيا", "other"),
    ]
    for split in ("train", "dev"):
        with open(tmp_path / f"{split}.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["s1", "s2", "stance"])
            w.writerows(rows)
    out = tmp_path / "m.npz"
    scores = train_stance(tmp_path, out)
    assert 0.0 <= scores["dev_macro_f1"] <= 1.0
    model = StanceModel.load(out)
    again = StanceModel.load(out)
    pairs = [(a, b) for a, b, _ in rows]
    assert model.predict(pairs) == again.predict(pairs)
    assert model.predict([NEGATED])[0] == "disagree"


def test_evaluate_stance_ends_with_macro_f1(capsys: pytest.CaptureFixture[str]) -> None:
    _need_ans()
    result = evaluate_stance(ANS, split="dev", limit=40)
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"macro-F1 [01]\.\d{3}", lines[-1])
    assert float(lines[-1].split()[1]) == pytest.approx(result["macro_f1"], abs=5e-4)
    assert any(line.startswith("disagree") for line in lines)


def test_shipped_model_still_matches_the_text_functions() -> None:
    """Features depend on norm / strip_clitics / stop words: if those change, retrain
    (python -m marsad.compare.train_stance --data ../shared/datasets/ans). Dev, not test."""
    _need_ans()
    pairs, gold = read_split(ANS, "dev")
    pred = default_model().predict(pairs)
    assert macro_f1(gold, pred) >= 0.77
