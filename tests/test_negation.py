"""Negation in claims: particles and verbs of denial, and the idioms that only look negative."""

from __future__ import annotations

import pytest

from marsad.claims.extract import is_negated
from marsad.text.segment import tokenize


@pytest.mark.parametrize(
    "sentence",
    [
        "لم يزر وزير الخارجية الأردني دمشق خلال جولته الأخيرة",
        "ونفى المتحدث باسم الجيش أن تكون القوات قد انسحبت من المدينة",
        "لن يشارك الحارس الإسباني في مباراة الافتتاح اليوم",
        "وقالت الوزارة إن الحادث ليس له علاقة بالأحوال الجوية",
        "أكد الوزير عدم وجود أي إصابات بين المسافرين",
        "لم يوفر المستشفى الدواء للمرضى طوال أسبوع",
        "لن يدخر المدرب لاعبيه الأساسيين للمباراة المقبلة",
    ],
)
def test_negated_claims(sentence: str) -> None:
    assert is_negated(tokenize(sentence))


@pytest.mark.parametrize(
    "sentence",
    [
        "ولا يزال اسم الحارس مرتبطاً بالرحيل إلى ريال مدريد",
        "لا تزال فرق الإنقاذ تبحث عن المفقودين قبالة السواحل",
        "ولم يزل التحقيق جارياً في أسباب الحادث",
        "وتشهد المنطقة أمطاراً غزيرة لا سيما في المرتفعات الجنوبية",
        "غير أن الوزارة أكدت أن الرحلات ستستأنف غداً",
        "لا بد من تعزيز التعاون بين البلدين في مجال الطاقة",
        "وأكدت الخارجية في بيان أنها لن تألو جهداً من أجل حماية الرهينة",
        "وقال الوزير إن الحكومة لم تدخر وسعاً في دعم الأسر المتضررة",
        "لن ندخر جهدا في سبيل إعادة المختطفين إلى ذويهم",
        "ويهدد التنظيم بإعدام الرهينة ما لم يتم إطلاق سراح المعتقلات",
        "وستفرض الحكومة غرامات على المصانع إذا لم تلتزم بالمعايير البيئية",
    ],
)
def test_idioms_that_only_look_negative(sentence: str) -> None:
    assert not is_negated(tokenize(sentence))
