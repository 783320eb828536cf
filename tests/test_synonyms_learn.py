"""Learned near-synonyms: the substitution miner, its filters, the shipped list and its merge."""

from __future__ import annotations

import re
from pathlib import Path

from marsad.compare.synonyms import (
    learned_synonym_pairs,
    merge_synonyms,
    parse_pairs,
)
from marsad.compare.synonyms_learn import (
    Settings,
    Stemmer,
    aggregate,
    build_corpus,
    candidate_pairs,
    function_words,
    inflectional_variants,
    is_content_word,
    mine_ans,
    mine_corpus,
    set_substitution,
    spelling_variants,
    substitutions,
    word_stem,
)
from marsad.text.normalise import norm
from marsad.text.wordlists import stopwords
from shared_data import dataset_path

STEMMER = Stemmer()


def stems(text: str) -> list[str]:
    return STEMMER.stems(text)


def swaps(a: str, b: str, context: int = 2) -> list[tuple[str, str]]:
    return [(s.a, s.b) for s in substitutions(stems(a), stems(b), context=context)]


# --- the substitution extractor ---------------------------------------------------------------


def test_single_swap_between_identical_contexts() -> None:
    a = "وأجرى وزير الخارجية محادثات مع نظيره الفرنسي في باريس أمس"
    b = "وأجرى وزير الخارجية مباحثات مع نظيره الفرنسي في باريس أمس"
    found = substitutions(stems(a), stems(b))
    assert [(s.a, s.b) for s in found] == [("محادثات", "مباحثات")]
    assert found[0].context == (("وزير", "خارجيه"), ("مع", "نظيره"))
    assert found[0].run == 3  # three identical words before it, six after


def test_clitics_and_article_do_not_count_as_a_swap() -> None:
    a = "أعلنت الوزارة عن إطلاق المشروعات الجديدة في المنطقة الشرقية"
    b = "وأعلنت الوزارة عن إطلاق مشروعات جديدة بالمنطقة الشرقية"
    assert swaps(a, b) == []


def test_two_separate_swaps_are_both_found() -> None:
    a = "قال المتحدث الرسمي إن البنوك المحلية ستقدم مشروعات جديدة للمواطنين خلال العام المقبل"
    b = "قال المتحدث الرسمي إن المصارف المحلية ستقدم مشاريع جديدة للمواطنين خلال العام المقبل"
    assert swaps(a, b) == [("بنوك", "مصارف"), ("مشروعات", "مشاريع")]
    # one word apart: each swap has a single identical word on the side facing the other
    c = "قال المتحدث الرسمي إن البنوك تمول مشروعات جديدة للمواطنين"
    d = "قال المتحدث الرسمي إن المصارف تمول مشاريع جديدة للمواطنين"
    assert swaps(c, d, context=1) == [("بنوك", "مصارف"), ("مشروعات", "مشاريع")]
    assert swaps(c, d, context=2) == []


def test_two_word_rewrites_and_insertions_are_not_swaps() -> None:
    a = "وصل الرئيس إلى العاصمة الروسية موسكو في زيارة رسمية"
    b = "وصل الرئيس إلى موسكو في جولة خارجية رسمية"
    assert swaps(a, b, context=1) == []


def test_context_of_one_word_and_sentence_edges() -> None:
    a = "ارتفع مؤشر السوق الرئيسي في التعاملات"
    b = "تراجع مؤشر السوق الرئيسي في التعاملات"
    assert swaps(a, b, context=2) == []  # nothing to the left
    assert swaps(a, b, context=1) == [("ارتفع", "تراجع")]  # an edge, three words to the right
    c = "بدأت القمة العربية أعمالها اليوم"
    d = "انطلقت القمة العربية أعمالها اليوم"
    assert swaps(c, d, context=1) == [("بدات", "انطلقت")]


def test_identical_sentences_give_nothing() -> None:
    a = "استقبل أمير المنطقة وفد الغرفة التجارية"
    assert swaps(a, a, context=1) == []


def test_set_substitution_handles_reordered_headlines() -> None:
    fw = function_words()
    a = stems("اقتنصت المخابرات التركية مهاجم ريحانلي")
    b = stems("الاستخبارات التركية اقتنصت مهاجم ريحانلي")
    assert substitutions(a, b, context=1) == []
    assert set_substitution(a, b, fw) == ("مخابرات", "استخبارات")
    # two words differ on each side: no single substitute to read off
    c = stems("المخابرات التركية تعتقل مهاجم ريحانلي")
    d = stems("الاستخبارات التركية تقتنص مهاجم ريحانلي")
    assert set_substitution(c, d, fw) is None


# --- filters ----------------------------------------------------------------------------------


def test_content_words() -> None:
    fw = function_words()
    for word in ("محادثات", "مصارف", "زياره"):
        assert is_content_word(word, fw)
    for word in ("التي", "الذي", "2015", "UN", "امس", "خمسه", "اغسطس", "بما", "كجم"):
        assert not is_content_word(word_stem(word), fw), word


def test_inflectional_variants() -> None:
    pairs = [("يستهدف", "ستستهدف"), ("زيارته", "الزيارة"), ("وزير", "وزيره"), ("البلد", "البلدان")]
    for a, b in pairs:
        assert inflectional_variants(word_stem(a), word_stem(b)), (a, b)
    for a, b in [("محادثات", "مباحثات"), ("بنوك", "مصارف"), ("اقليم", "منطقه")]:
        assert not inflectional_variants(a, b), (a, b)


def test_spelling_variants() -> None:
    for a, b in [("امريكي", "اميركي"), ("جوجل", "غوغل"), ("صحافي", "صحفي"), ("شوون", "شيون")]:
        assert spelling_variants(a, b), (a, b)
    for a, b in [("بنوك", "مصارف"), ("محادثات", "مباحثات"), ("متشددين", "متطرفين")]:
        assert not spelling_variants(a, b), (a, b)


# --- mining a small corpus --------------------------------------------------------------------


def _article(source: str, day: str, text: str) -> dict:
    return {"source": source, "published": day, "title": "", "text": text}


def test_corpus_mining_keeps_copies_and_drops_templates() -> None:
    copies = [
        ("spa", "وأكد الوزير أن البنوك المحلية ضخت 5 مليارات ريال في مشروعات الإسكان الجديدة"),
        ("okaz", "وأكد الوزير أن المصارف المحلية ضخت 5 مليارات ريال في مشروعات الإسكان الجديدة"),
        ("spa", "وقال المحافظ إن البنوك السعودية تواصل تمويل المشروعات الصغيرة في المملكة"),
        ("riyadh", "وقال المحافظ إن المصارف السعودية تواصل تمويل المشروعات الصغيرة في المملكة"),
        # a template: same frame, different numbers, different facts
        ("spa", "وارتفع المؤشر العام لسوق الأسهم السعودية بنسبة 2 في المائة عند الإغلاق"),
        ("okaz", "وتراجع المؤشر العام لسوق الأسهم السعودية بنسبة 3 في المائة عند الإغلاق"),
    ]
    days = ["2015-08-02", "2015-08-02", "2015-08-05", "2015-08-05", "2015-08-06", "2015-08-06"]
    articles = [_article(src, day, text) for (src, text), day in zip(copies, days, strict=True)]
    corpus = build_corpus(articles, Stemmer())
    pairs = candidate_pairs(corpus)
    occurrences = mine_corpus(corpus, pairs, min_ratio=0.35, context=1)
    strict, _, stories = aggregate(occurrences, Settings())
    assert len(strict[("بنوك", "مصارف")]) == 2
    assert len(stories[("بنوك", "مصارف")]) == 2  # two stories, three days apart
    assert not any({"ارتفع", "تراجع"} & set(p) for p in strict)


def test_same_outlet_repeats_are_not_evidence() -> None:
    articles = [
        _article(
            "sabq", "2015-08-02", "وأكد الوزير أن البنوك المحلية ضخت السيولة في مشروعات الإسكان"
        ),
        _article(
            "sabq", "2015-08-02", "وأكد الوزير أن المصارف المحلية ضخت السيولة في مشروعات الإسكان"
        ),
    ]
    corpus = build_corpus(articles, Stemmer())
    occurrences = mine_corpus(corpus, candidate_pairs(corpus), min_ratio=0.35, context=1)
    assert occurrences and not any(o.cross_outlet for o in occurrences)
    strict, loose, _ = aggregate(occurrences, Settings())
    assert not strict and not loose


# --- the shipped list -------------------------------------------------------------------------


def test_shipped_file_is_well_formed() -> None:
    path = Path(__file__).resolve().parents[1] / "src/marsad/text/lexicons/learned_synonyms.tsv"
    rows = [ln.split("\t") for ln in path.read_text("utf-8").splitlines() if not ln.startswith("#")]
    assert 50 <= len(rows) <= 5000
    seen = set()
    fw = function_words()
    stop = stopwords()
    for row in rows:
        assert len(row) == 5, row
        a, b, score, support, kind = row
        assert a < b, row  # unordered pairs written in one order
        assert frozenset((a, b)) not in seen, row  # and once
        seen.add(frozenset((a, b)))
        assert 0.0 < float(score) <= 1.0
        assert int(support) >= 2
        assert kind in ("synonym", "spelling")
        for w in (a, b):
            assert re.fullmatch(r"[\u0621-\u064a]{3,}", w), row  # no digits, Latin, spaces
            assert norm(w) == w
            assert w not in stop and w not in fw, row
        assert not inflectional_variants(a, b), row


def test_loader_returns_best_first() -> None:
    pairs = learned_synonym_pairs()
    assert pairs and all(isinstance(s, float) for _, _, s in pairs)
    scores = [s for _, _, s in pairs]
    assert scores == sorted(scores, reverse=True)
    assert parse_pairs("# note\n\nبنوك\tمصارف\t0.8\t5\tsynonym\n") == [("بنوك", "مصارف", 0.8)]


def test_merge_keeps_groups_as_cliques() -> None:
    seed = {"مهمه": "مهمه", "بعثه": "مهمه"}  # mission
    learned = [
        ("مهمه", "هامه", 0.7),  # important (a homograph of mission once normalised)
        ("بنوك", "مصارف", 0.9),
        ("بنوك", "مصرف", 0.4),  # مصرف ~ بنوك only, not ~ مصارف: stays out of the group
        ("مدراء", "مديري", 0.8),
        ("مديري", "مديرو", 0.7),
        ("مدراء", "مديرو", 0.6),
    ]
    merged = merge_synonyms(seed, learned)
    assert merged["بعثه"] == merged["مهمه"]
    assert "هامه" not in merged  # would have made هامة a synonym of بعثة
    assert merged["بنوك"] == merged["مصارف"]
    assert "مصرف" not in merged
    assert merged["مدراء"] == merged["مديري"] == merged["مديرو"]
    assert merge_synonyms(seed, learned, min_score=0.85) == {
        **seed,
        "بنوك": "بنوك",
        "مصارف": "بنوك",
    }


# --- ANS (real data) --------------------------------------------------------------------------


def test_ans_paraphrases_and_contrasts() -> None:
    path = dataset_path("ans", "stance", "train.csv", name="ANS")
    from marsad.compare.synonyms_learn import read_ans

    agree, contrast = mine_ans(read_ans(path), Stemmer(), function_words())
    assert len(agree) > 100 and len(contrast) > 50
    assert all(a <= b for a, b in list(agree) + list(contrast))
    # the learned list never keeps a pair that a false headline swapped
    shipped = {(a, b) for a, b, _ in learned_synonym_pairs()}
    assert not shipped & contrast
