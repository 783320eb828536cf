"""Near-duplicate reports: MinHash signatures, LSH candidates, star-shaped groups."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from marsad.stories.neardup import (
    NUM_PERM,
    NearDuplicateIndex,
    Signature,
    group_texts,
    is_agency,
    near_duplicate_groups,
    signature,
    words,
)

# A (fictional) agency report and a newspaper's lightly edited copy of it: new headline
# and lead-in, "اليوم الأحد" → "الأحد", two words swapped for synonyms, a closing sentence.
AGENCY = """الرياض 12 ذو القعدة 1436 هـ الموافق 27 أغسطس 2015 م (واس)
دشّن وزير المياه والكهرباء اليوم الأحد محطة تحلية المياه الجديدة في مدينة رأس الخير على
الساحل الشرقي، بطاقة إنتاجية تبلغ مليون متر مكعب من المياه المحلاة يومياً، إضافة إلى
توليد 2400 ميغاواط من الطاقة الكهربائية.
وأوضح الوزير في كلمة خلال حفل التدشين أن المحطة تعد من أكبر محطات التحلية في العالم،
وأنها ستغذي مدينة الرياض ومحافظات المنطقة الشرقية عبر خطوط نقل يبلغ طولها 900 كيلومتر.
وأشار إلى أن تكلفة المشروع بلغت 24 مليار ريال، وأن المحطة ستوفر أكثر من ألفي وظيفة
للمواطنين في مجالات التشغيل والصيانة، مؤكداً أن الوزارة تعمل على رفع كفاءة استهلاك
المياه في جميع مناطق المملكة.
من جانبه، قال محافظ المؤسسة العامة لتحلية المياه المالحة إن المحطة تعتمد تقنية التناضح
العكسي إلى جانب التقطير الحراري، وإن تشغيلها التجريبي بدأ قبل ستة أشهر دون أي أعطال."""

COPY = """وزير المياه يدشن أكبر محطة تحلية في رأس الخير
المصدر: صحيفة الشرق اليوم
دشّن وزير المياه والكهرباء الأحد محطة تحلية المياه الجديدة في مدينة رأس الخير على
الساحل الشرقي، بطاقة إنتاجية تبلغ مليون متر مكعب من المياه المحلاة يومياً، إضافة إلى
توليد 2400 ميغاواط من الطاقة الكهربائية.
وأوضح الوزير في كلمة خلال حفل الافتتاح أن المحطة تعد من أكبر محطات التحلية في العالم،
وأنها ستغذي مدينة الرياض ومحافظات المنطقة الشرقية عبر خطوط نقل يبلغ طولها 900 كيلومتر.
وأشار إلى أن كلفة المشروع بلغت 24 مليار ريال، وأن المحطة ستوفر أكثر من ألفي وظيفة
للمواطنين في مجالات التشغيل والصيانة، مؤكداً أن الوزارة تعمل على رفع كفاءة استهلاك
المياه في جميع مناطق المملكة.
من جانبه، قال محافظ المؤسسة العامة لتحلية المياه المالحة إن المحطة تعتمد تقنية التناضح
العكسي إلى جانب التقطير الحراري، وإن تشغيلها التجريبي بدأ قبل ستة أشهر دون أي أعطال.
يذكر أن المملكة تعد أكبر منتج للمياه المحلاة في العالم."""

# The same event, reported independently: same people, places and figures, other words.
INDEPENDENT = """رأس الخير - الشرق اليوم
افتتح وزير المياه والكهرباء أمس في رأس الخير واحدة من أضخم منشآت التحلية على مستوى
العالم، إذ تنتج المنشأة مليون متر مكعب من الماء يومياً و2400 ميغاواط من الكهرباء.
وستنقل المياه إلى العاصمة الرياض ومدن الشرقية بأنابيب تمتد 900 كيلومتر، بحسب ما ذكره
مسؤولون حضروا الحفل. وقدّر مختصون كلفة المنشأة بنحو 24 مليار ريال.
ويرى خبراء في قطاع المياه أن المشروع يخفف الضغط على المياه الجوفية غير المتجددة، لكنهم
يحذرون من أثر المياه شديدة الملوحة التي تعيدها محطات التحلية إلى البحر على الشعاب
المرجانية والثروة السمكية في الخليج العربي.
وكان العمل في المشروع قد بدأ قبل أربع سنوات بمشاركة شركات محلية وأجنبية."""


def test_an_agency_report_and_its_edited_copy_are_near_duplicates():
    a, b = signature(AGENCY), signature(COPY)
    assert a.size > 100 and b.size > 100
    assert a.jaccard(b) >= 0.6
    index = NearDuplicateIndex()
    assert index.add("agency", AGENCY) == []
    assert index.add("copy", COPY) == ["agency"]
    [group] = index.groups()
    assert group.ids == ["agency", "copy"]


def test_group_texts_finds_the_copy_among_other_reports():
    items = [("independent", INDEPENDENT), ("agency", AGENCY), ("copy", COPY), ("empty", "")]
    assert [g.ids for g in group_texts(items)] == [["agency", "copy"]]
    assert group_texts([]) == []


def test_two_reports_of_the_same_event_are_not_near_duplicates():
    assert signature(AGENCY).jaccard(signature(INDEPENDENT)) < 0.2
    index = NearDuplicateIndex()
    index.add("agency", AGENCY)
    assert index.add("independent", INDEPENDENT) == []
    assert index.groups() == []


def test_signature_ignores_diacritics_hamza_forms_tatweel_and_digit_scripts():
    plain = "أعلنت وزارة الصحة إطلاق حملة التطعيم في 12 محافظة اليوم"
    decorated = "أَعلنت وزارةُ الصـحة إِطلاق حملةِ التّطعيم في ١٢ محافظة اليوم"
    assert words(decorated) == words(plain)
    assert signature(decorated).hashes.tolist() == signature(plain).hashes.tolist()


def test_signature_is_stable_and_survives_encoding():
    sig = signature(AGENCY)
    again = Signature.decode(sig.encode())
    assert again.size == sig.size
    assert np.array_equal(again.hashes, sig.hashes)
    assert again.hashes.dtype == np.uint32 and len(again.hashes) == NUM_PERM
    # The hash functions are seeded constants, not Python's per-process string hash.
    assert sig.encode() == signature(AGENCY).encode()
    with pytest.raises(ValueError):
        Signature.decode("3:AAAA")


def test_empty_and_tiny_texts():
    empty = signature("")
    assert empty.size == 0 and empty.jaccard(empty) == 0.0
    index = NearDuplicateIndex()
    assert index.add("a", "") == [] and index.add("b", "") == []
    assert signature("الرياض").size == 1  # shorter than a shingle: one shingle of its words
    assert index.groups() == []


def test_canonical_is_the_earliest_then_the_agency():
    index = NearDuplicateIndex()
    index.add("paper", COPY, published=date(2015, 8, 27), source="الشرق اليوم")
    index.add("agency", AGENCY, published=date(2015, 8, 27), source="واس")
    assert index.groups()[0].canonical == "agency"  # same day: the agency's copy
    index = NearDuplicateIndex()
    index.add("agency", AGENCY, published=date(2015, 8, 28), source="واس")
    index.add("paper", COPY, published=date(2015, 8, 27), source="الشرق اليوم")
    assert index.groups()[0].ids == ["paper", "agency"]  # the earliest first
    assert is_agency("وكالة أنباء الوادي") and is_agency("was") and not is_agency("okaz")


def _edited(hashes: np.ndarray, positions: slice, rng: np.random.Generator) -> np.ndarray:
    out = hashes.copy()
    out[positions] = rng.integers(0, 2**32, size=len(out[positions]), dtype=np.uint32)
    return out


def test_groups_are_stars_not_chains():
    """A copy of a copy that is not itself close to the first report starts its own group:
    formulaic reports (cables to different heads of state) must not chain together."""
    rng = np.random.default_rng(5)
    a = rng.integers(0, 2**32, size=NUM_PERM, dtype=np.uint32)
    b = _edited(a, slice(0, 48), rng)  # Jaccard(a, b) = 80/128
    c = _edited(b, slice(48, 96), rng)  # Jaccard(b, c) = 80/128, Jaccard(a, c) = 32/128
    d = _edited(c, slice(96, 128), rng)  # Jaccard(c, d) = 96/128
    index = NearDuplicateIndex()
    for name, h in zip("abcd", (a, b, c, d), strict=True):
        index.add(name, sig=Signature(h, 200))
    assert [g.ids for g in index.groups()] == [["a", "b"], ["c", "d"]]
    assert index.group_of("b") == ["a", "b"] and index.group_of("d") == ["c", "d"]


def test_batch_and_incremental_give_the_same_groups():
    rng = np.random.default_rng(11)
    originals = rng.integers(0, 2**32, size=(300, NUM_PERM), dtype=np.uint32)
    rows, ids = [], []
    for i, h in enumerate(originals):
        rows.append(h)
        ids.append(f"o{i}")
        for j in range(i % 4):  # 0 to 3 copies, each with a random tenth to a half changed
            changed = rng.random(NUM_PERM) < rng.uniform(0.1, 0.5)
            rows.append(np.where(changed, rng.integers(0, 2**32, NUM_PERM, np.uint32), h))
            ids.append(f"c{i}.{j}")
    order = rng.permutation(len(rows))
    hashes = np.stack(rows)[order]
    ids = [ids[k] for k in order]
    index = NearDuplicateIndex()
    for doc_id, h in zip(ids, hashes, strict=True):
        index.add(doc_id, sig=Signature(h, 150))
    batch = near_duplicate_groups(ids, hashes, [150] * len(ids))
    assert [g.ids for g in batch] == [g.ids for g in index.groups()]
    assert len(batch) > 100
    # Copies share their original's number; nothing is grouped across originals.
    for g in batch:
        assert len({doc_id[1:].split(".")[0] for doc_id in g.ids}) == 1
