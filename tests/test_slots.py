"""Relation slots in claims and attributed speech, on news-style Arabic sentences."""

from __future__ import annotations

import time
from datetime import date

import pytest

from marsad.claims.slots import RichSlot, extract_slots, fill_slots
from marsad.claims.speech import attributed_speech, find_speech
from marsad.demo import sample_story_paths
from marsad.ingest.reader import read_file
from marsad.model import DocAnalysis, Document
from marsad.pipeline import analyse


def _analyse(text: str, published: date | None = date(2021, 3, 1)) -> DocAnalysis:
    return analyse(Document.create(text, source="test", published=published))


def _slots(text: str, published: date | None = date(2021, 3, 1)) -> list[RichSlot]:
    a = _analyse(text, published)
    out = []
    for c in a.claims:
        out.extend(extract_slots(a.doc.text, c, a.tokens, a.mentions, a.timexes))
    for s in out:
        for span in (s.subject, s.object, s.place):
            if span is not None:
                assert text[span.start : span.end] == span.text
    return out


def _one(slots: list[RichSlot], relation: str) -> RichSlot:
    found = [s for s in slots if s.relation == relation]
    assert len(found) == 1, [(s.relation, s.subject, s.object) for s in slots]
    return found[0]


def _text(span) -> str | None:
    return span.text if span is not None else None


# --- leads ----------------------------------------------------------------------------------


def test_leads_vos_object_before_the_subject():
    s = _one(_slots("ويتولى قيادة القوة حالياً الجنرال الإسباني ألبرتو ريغيرو."), "leads")
    assert s.object.text == "القوة"
    assert s.subject.text.endswith("ريغيرو")
    assert s.tense == "present"


def test_leads_vso_with_the_subject_between_verb_and_noun():
    s = _one(_slots("ويتولى الفريق ريجيرو حالياً قيادة اليونيفيل."), "leads")
    assert (s.subject.text, s.object.text) == ("ريجيرو", "اليونيفيل")


def test_leads_noun_phrase_object_then_person():
    s = _one(_slots("يقود البعثة الأممية اللواء الإيطالي ستيفانو ديل كول منذ عام 2018."), "leads")
    assert s.object.text == "البعثة الأممية"
    assert s.subject.text.startswith("ستيفانو")
    assert s.since and s.time is not None and s.time.iso == "2018"


def test_leads_from_a_title_before_the_name_and_svo_visit():
    slots = _slots("قائد اليونيفيل اللواء أرولدو لاثارو زار بلدة الناقورة أمس.")
    lead = _one(slots, "leads")
    assert (lead.subject.text, lead.object.text) == ("أرولدو لاثارو", "اليونيفيل")
    visit = _one(slots, "visited")
    assert (visit.subject.text, visit.object.text) == ("أرولدو لاثارو", "الناقورة")
    assert visit.time is not None and visit.time.iso == "2021-02-28"


def test_bi_qiyadat_subject_after_the_cue():
    s = _one(_slots("وانتشرت قوة متعددة الجنسيات بقيادة فرنسا في المنطقة."), "leads")
    assert "فرنسا" in s.subject.text
    assert s.object.text == "قوة متعددة الجنسيات"


def test_a_cue_word_inside_a_name_is_no_cue():
    slots = _slots("وعقد الاجتماع في مقر القيادة العامة للقوة في الناقورة.")
    assert not [s for s in slots if s.relation == "leads"]


# --- titles ---------------------------------------------------------------------------------


def test_holds_title_state_post_from_nationality():
    s = _one(
        _slots("التقى رئيس الوزراء الأردني بشر الخصاونة السفير الفرنسي في عمان."), "holds_title"
    )
    assert s.subject.text == "بشر الخصاونة"
    assert s.object.text == "الأردني" and s.object_type == "NORP"
    assert s.value == "رييس الوزراء"


def test_holds_title_with_an_organisation():
    slots = _slots("وصل الأمين العام للأمم المتحدة أنطونيو غوتيريش إلى بيروت في زيارة رسمية.")
    title = _one(slots, "holds_title")
    assert title.subject.text == "أنطونيو غوتيريش"
    assert title.object.text == "للأمم المتحدة"  # the span as written, with its proclitic
    visit = _one(slots, "visited")
    assert (visit.subject.text, visit.object.text) == ("أنطونيو غوتيريش", "بيروت")


def test_title_after_the_name():
    slots = _slots("وأكد أيمن الصفدي، وزير الخارجية الأردني، أن الحل سياسي.")
    s = _one(slots, "holds_title")
    assert (s.subject.text, s.object.text, s.value) == ("أيمن الصفدي", "الأردني", "وزير الخارجيه")
    text = "واجتمع الوفد مع ماركوس دايكسترا، المنسق الخاص للأمم المتحدة في لبنان، في بيروت."
    slots = _slots(text)
    s = _one(slots, "holds_title")
    assert (s.subject.text, s.object.text) == ("ماركوس دايكسترا", "للأمم المتحدة")
    assert _one(slots, "met").object.text == "ماركوس دايكسترا"


def test_former_title():
    s = _one(
        _slots("وقال رئيس الوزراء الأردني السابق عبدالله النسور إن الأزمة طويلة."), "holds_title"
    )
    assert s.former and s.subject.text == "عبدالله النسور"


# --- met, accompanied, cooperates -----------------------------------------------------------


def test_met_vso_object_after_its_title_phrase():
    text = "التقى الفريق ألبرتو ريجيرو المنسق الخاص للأمم المتحدة في لبنان ماركوس ديكسترا."
    s = _one(_slots(text), "met")
    assert (s.subject.text, s.object.text) == ("ألبرتو ريجيرو", "ماركوس ديكسترا")


def test_met_noun_cue_with_preposition_and_time():
    text = (
        "أجرى وزير الخارجية الأردني أيمن الصفدي، أمس، محادثات مع وزير الخارجية المصري "
        "سامح شكري في القاهرة."
    )
    slots = _slots(text)
    s = _one(slots, "met")
    assert s.subject.text == "أيمن الصفدي"
    assert s.object.text == "سامح شكري"
    assert s.time is not None and s.time.text == "أمس"
    assert _text(s.place) == "القاهرة"
    posts = {(x.subject.text, x.object.text) for x in slots if x.relation == "holds_title"}
    assert posts == {("أيمن الصفدي", "الأردني"), ("سامح شكري", "المصري")}


def test_met_with_a_preposition_and_a_noun_phrase_subject():
    s = _one(_slots("واجتمع الوزير مع ممثلي منظمة الصحة العالمية في جنيف."), "met")
    assert s.subject.text == "الوزير"
    assert s.object.text == "منظمة الصحة العالمية"
    assert _text(s.place) == "جنيف"


def test_accompanied_by():
    text = "وصل الرئيس الفرنسي إيمانويل ماكرون إلى بيروت برفقة وزير الخارجية جان إيف لودريان."
    slots = _slots(text)
    s = _one(slots, "accompanied")
    assert s.subject.text.startswith("جان")
    assert s.object.text == "إيمانويل ماكرون"
    assert _one(slots, "visited").object.text == "بيروت"


def test_cooperates_and_launched():
    text = "أطلقت وزارة الصحة الأردنية حملة تطعيم وطنية بالتعاون مع منظمة اليونيسف."
    slots = _slots(text)
    coop = _one(slots, "cooperates_with")
    assert (coop.subject.text, coop.object.text) == ("وزارة الصحة الأردنية", "منظمة اليونيسف")
    launch = _one(slots, "established")
    assert launch.subject.text == "وزارة الصحة الأردنية"
    assert launch.object.text.startswith("حملة تطعيم")


# --- established, located, priorities -------------------------------------------------------


def test_opened_with_time_and_place():
    text = "وعلى صعيد المشاريع، افتتحت اليونيفيل في نوفمبر 2019 محطة لضخ المياه في بلدة شمع."
    s = _one(_slots(text), "established")
    assert (s.subject.text, s.object.text) == ("اليونيفيل", "محطة لضخ المياه")
    assert s.time is not None and s.time.iso == "2019-11"
    assert _text(s.place) == "شمع"
    assert s.tense == "past"


def test_passive_founded_takes_the_topic_of_the_sentence():
    text = (
        "تُعدّ قوة الأمم المتحدة المؤقتة في لبنان من أقدم بعثات حفظ السلام، "
        "إذ أُنشئت عام 1978 بموجب قرار مجلس الأمن."
    )
    s = _one(_slots(text), "established")
    assert s.subject is None
    assert s.object.text == "قوة الأمم المتحدة المؤقتة في لبنان"
    assert s.time is not None and s.time.iso == "1978"


def test_located_in_headquarters():
    slots = _slots("وتتخذ القوة من بلدة الناقورة مقراً عاماً لها.")
    s = _one(slots, "located_in")
    assert (s.subject.text, s.object.text) == ("القوة", "الناقورة")
    slots = _slots("وتعمل منظمة الصحة العالمية، ومقرها في جنيف، على دعم الحملة.")
    s = _one(slots, "located_in")
    assert (s.subject.text, s.object.text) == ("منظمة الصحة العالمية", "جنيف")


def test_priorities_fronted_and_in_quoted_speech():
    s = _one(_slots("وتعد مكافحة الفساد من أولويات الحكومة الجديدة."), "priorities")
    assert (s.subject.text, s.object.text) == ("الحكومة الجديدة", "مكافحة الفساد")
    text = "وقال ريجيرو إن «أولويتنا في المرحلة المقبلة هي تكثيف الدوريات الليلية»."
    a = _analyse(text)
    slots = [x for c in a.claims for x in extract_slots(text, c, a.tokens, a.mentions, a.timexes)]
    s = _one(slots, "priorities")
    assert s.subject.text == "ريجيرو"
    assert s.object.text == "تكثيف الدوريات الليلية"


def test_no_relation_no_slot():
    assert _slots("وتبلغ ميزانيتها السنوية قرابة 480 مليون دولار.") == []


# --- the sample story -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def unifil() -> dict[str, DocAnalysis]:
    paths = sample_story_paths()["unifil-south-lebanon"]
    return {p.stem: analyse(d) for p in paths for d in read_file(p)}


def _doc_slots(a: DocAnalysis) -> list[RichSlot]:
    fill_slots(a.doc.text, a.claims, a.tokens, a.mentions, a.timexes)
    return [s for c in a.claims for s in c.slots]


def test_sample_commanders(unifil):
    text = unifil["sada-1"].doc.text
    leads = [s for s in _doc_slots(unifil["sada-1"]) if s.relation == "leads"]
    calvini = [s for s in leads if "كالفيني" in s.subject.text]
    assert {s.object.text for s in calvini} == {"قوة الأمم المتحدة المؤقتة في لبنان", "اليونيفيل"}
    since = next(s for s in calvini if s.since)
    assert since.time.iso == "2018-08"
    assert text[since.subject.start : since.subject.end] == "كالفيني"
    manara = [s for s in _doc_slots(unifil["manara-1"]) if s.relation == "leads"]
    assert [(s.object.text, "ريغيرو" in s.subject.text) for s in manara] == [("القوة", True)]
    afaq = [s for s in _doc_slots(unifil["afaq-1"]) if s.relation == "leads"]
    assert all("ريجيرو" in s.subject.text for s in afaq) and len(afaq) == 2


def test_sample_spans_are_exact_and_inside_the_document(unifil):
    for a in unifil.values():
        for c in a.claims:
            for s in extract_slots(a.doc.text, c, a.tokens, a.mentions, a.timexes):
                for span in (s.subject, s.object, s.place, s.cue):
                    if span is None:
                        continue
                    assert span.doc == a.doc.id
                    assert a.doc.text[span.start : span.end] == span.text
                    assert span.text.strip() == span.text and span.text


def test_slots_are_fast(unifil):
    a = unifil["afaq-1"]
    for c in a.claims:  # warm the caches
        extract_slots(a.doc.text, c, a.tokens, a.mentions, a.timexes)
    runs = 20
    t0 = time.perf_counter()
    for _ in range(runs):
        for c in a.claims:
            extract_slots(a.doc.text, c, a.tokens, a.mentions, a.timexes)
    per_400_words = (time.perf_counter() - t0) / runs / len(a.tokens) * 400
    assert per_400_words < 0.02  # about 1 ms on a laptop; generous for shared machines


# --- speech ---------------------------------------------------------------------------------


def test_speech_explicit_speaker_vso_with_quotation():
    text = 'وقال المتحدث باسم القوة، الإيرلندي شون دالتون، إن "نجاح القوة لا يُقاس بما يحدث".'
    a = _analyse(text)
    speaker, verb, quote = attributed_speech(text, a.sentences[0], a.tokens, a.mentions)
    assert (speaker.text, verb) == ("شون دالتون", "قال")
    assert quote.text == "نجاح القوة لا يُقاس بما يحدث"
    assert text[quote.start : quote.end] == quote.text


def test_speech_pronoun_speaker_continues_the_last_one():
    text = (
        "وقالت وزيرة الصحة هالة زايد إن الحملة ستنطلق الأحد المقبل.\n\n"
        "وأضافت أن الفرق الطبية جاهزة في جميع المحافظات.\n\n"
        "وتابعت: «لن نترك أي طفل دون تطعيم»."
    )
    a = _analyse(text)
    said = find_speech(text, a.sentences, a.tokens, a.mentions)
    assert [s.verb for s in said] == ["قال", "أضاف", "تابع"]
    assert said[0].speaker.text.endswith("زايد") and not said[0].resolved
    assert said[1].speaker == said[0].speaker and said[1].resolved
    assert said[1].quote.text == "الفرق الطبية جاهزة في جميع المحافظات"
    assert said[2].speaker == said[0].speaker and said[2].direct
    assert said[2].quote.text == "لن نترك أي طفل دون تطعيم"
    # a lone sentence falls back to the last person named before it
    speaker, verb, _ = attributed_speech(text, a.sentences[1], a.tokens, a.mentions)
    assert speaker == said[0].speaker and verb == "أضاف"


def test_speech_name_in_guillemets_is_not_a_quotation(unifil):
    a = unifil["afaq-1"]
    first = next(s for s in a.sentences if s.text.startswith("أكد"))
    speaker, verb, quote = attributed_speech(a.doc.text, first, a.tokens, a.mentions)
    assert verb == "أكد" and "ريجيرو" in speaker.text
    assert quote.text.startswith("القوة الدولية ستواصل دعم الجيش اللبناني")


def test_speech_noun_phrase_speaker_and_attribution_phrase():
    text = "وأوضح بيان صادر عن الوزارة أن المركب انطلق من سواحل صفاقس."
    a = _analyse(text)
    speaker, verb, quote = attributed_speech(text, a.sentences[0], a.tokens, a.mentions)
    assert (speaker.text, verb) == ("بيان صادر عن الوزارة", "أوضح")
    assert quote.text == "المركب انطلق من سواحل صفاقس"
    text = "وبحسب وزارة الداخلية التونسية، فإن المركب انطلق من سواحل صفاقس."
    a = _analyse(text)
    speaker, verb, quote = attributed_speech(text, a.sentences[0], a.tokens, a.mentions)
    assert (speaker.text, verb) == ("وزارة الداخلية التونسية", "بحسب")
    assert quote.text == "المركب انطلق من سواحل صفاقس"


def test_speech_verb_with_preposition_and_no_speech():
    text = "أعرب الأمين العام للجامعة العربية أحمد أبو الغيط عن قلقه البالغ إزاء التصعيد."
    a = _analyse(text)
    speaker, verb, quote = attributed_speech(text, a.sentences[0], a.tokens, a.mentions)
    assert (speaker.text, verb, quote.text) == (
        "أحمد أبو الغيط",
        "أعرب",
        "قلقه البالغ إزاء التصعيد",
    )
    text = "وتضم اليونيفيل قرابة 10 آلاف عسكري من 45 بلداً."
    a = _analyse(text)
    assert attributed_speech(text, a.sentences[0], a.tokens, a.mentions) is None
