"""The rule tagger: cue persons, organisations, places, nationalities, acronyms, clitics,
and the titles / ranks / roles / nationalities attached to persons."""

from __future__ import annotations

import time

import pytest

from marsad.model import Mention
from marsad.ner.attributes import attach_attributes
from marsad.ner.base import Tagger, mention_norm
from marsad.ner.rules import RuleTagger
from marsad.text.normalise import norm
from marsad.text.segment import split_sentences, tokenize


@pytest.fixture(scope="module")
def tagger() -> RuleTagger:
    return RuleTagger()


def tag(tagger: RuleTagger, text: str) -> list[Mention]:
    mentions = tagger.tag("doc", text, split_sentences(text), tokenize(text))
    for m in mentions:
        assert text[m.start : m.end] == m.text
    spans = sorted((m.start, m.end) for m in mentions)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end <= start, "mentions overlap"
    return mentions


def find(mentions: list[Mention], kind: str, text: str) -> Mention:
    hits = [m for m in mentions if m.type == kind and m.text == text]
    assert hits, f"no {kind} {text!r} in {[(m.type, m.text) for m in mentions]}"
    return hits[0]


def attrs(m: Mention) -> dict[str, tuple[str, str]]:
    """kind -> (normalised value, original text of the attribute span)."""
    return {a.kind: (a.value, a.text) for a in m.attributes}


def test_implements_the_tagger_protocol(tagger: RuleTagger) -> None:
    t: Tagger = tagger
    assert t.tag("d", "", [], []) == []


def test_rank_and_nationality_before_a_name(tagger: RuleTagger) -> None:
    text = "وقال الجنرال الأمريكي مارك ميلي إن القوات ستبقى في المنطقة."
    ms = tag(tagger, text)
    per = find(ms, "PER", "مارك ميلي")
    assert per.norm == "مارك ميلي"
    got = attrs(per)
    assert got["rank"] == ("الجنرال", "الجنرال")
    assert got["nationality"] == ("امريكي", "الأمريكي")
    nat = next(a for a in per.attributes if a.kind == "nationality")
    assert text[nat.start : nat.end] == "الأمريكي"
    assert find(ms, "NORP", "الأمريكي").norm == "امريكي"


def test_role_with_organisation_then_rank(tagger: RuleTagger) -> None:
    text = "التقى قائد القيادة المركزية الأمريكية الجنرال مايكل كوريلا بوزير الدفاع."
    ms = tag(tagger, text)
    per = find(ms, "PER", "مايكل كوريلا")
    got = attrs(per)
    assert got["role"] == (
        norm("قائد القيادة المركزية الأمريكية"),
        "قائد القيادة المركزية الأمريكية",
    )
    assert got["rank"][1] == "الجنرال"
    # the adjective belongs to the command, not to the person
    assert "nationality" not in got
    find(ms, "ORG", "القيادة المركزية الأمريكية")


def test_prime_minister_with_nationality(tagger: RuleTagger) -> None:
    text = "وأكد رئيس الوزراء الأردني بشر الخصاونة أن الحكومة ماضية في خططها."
    per = find(tag(tagger, text), "PER", "بشر الخصاونة")
    got = attrs(per)
    assert got["role"] == ("رييس الوزراء", "رئيس الوزراء")
    assert got["nationality"] == ("اردني", "الأردني")


def test_secretary_general_of_an_organisation(tagger: RuleTagger) -> None:
    text = "دعا الأمين العام للأمم المتحدة أنطونيو غوتيريش إلى وقف فوري لإطلاق النار."
    ms = tag(tagger, text)
    per = find(ms, "PER", "أنطونيو غوتيريش")
    assert attrs(per)["role"] == (norm("الأمين العام للأمم المتحدة"), "الأمين العام للأمم المتحدة")
    org = find(ms, "ORG", "للأمم المتحدة")
    assert org.norm == "الامم المتحده"
    find(ms, "TITLE", "الأمين العام")


def test_major_general_alone(tagger: RuleTagger) -> None:
    per = find(
        tag(tagger, "وصل اللواء أرولدو لاثارو إلى الناقورة صباح اليوم."), "PER", "أرولدو لاثارو"
    )
    assert attrs(per)["rank"][0] == "اللواء"


def test_each_person_gets_only_their_own_titles(tagger: RuleTagger) -> None:
    text = "استقبل الرئيس المصري عبد الفتاح السيسي وزير الخارجية الأمريكي أنتوني بلينكن في القاهرة."
    ms = tag(tagger, text)
    sisi = attrs(find(ms, "PER", "عبد الفتاح السيسي"))
    blinken = attrs(find(ms, "PER", "أنتوني بلينكن"))
    assert sisi["title"][0] == "الرييس" and sisi["nationality"][0] == "مصري"
    assert blinken["role"][0] == "وزير الخارجيه" and blinken["nationality"][0] == "امريكي"
    assert "title" not in blinken


def test_a_new_title_after_a_nationality_starts_a_new_person(tagger: RuleTagger) -> None:
    text = "التقى الرئيس المصري وزير الخارجية الأمريكي أنتوني بلينكن في القاهرة."
    got = attrs(find(tag(tagger, text), "PER", "أنتوني بلينكن"))
    assert got == {
        "role": ("وزير الخارجيه", "وزير الخارجية"),
        "nationality": ("امريكي", "الأمريكي"),
    }


def test_spokesperson_complement_owns_its_adjective(tagger: RuleTagger) -> None:
    text = "وقال المتحدث باسم الخارجية الإيرانية ناصر كنعاني إن طهران ترفض الاتهامات."
    got = attrs(find(tag(tagger, text), "PER", "ناصر كنعاني"))
    assert got["role"][0] == norm("المتحدث باسم الخارجية الإيرانية")
    assert "nationality" not in got


def test_feminine_title_takes_a_feminine_nationality(tagger: RuleTagger) -> None:
    text = "وصلت وزيرة الخارجية الألمانية أنالينا بيربوك إلى بيروت."
    got = attrs(find(tag(tagger, text), "PER", "أنالينا بيربوك"))
    assert got["nationality"] == ("الماني", "الألمانية")
    assert got["role"][0] == "وزيره الخارجيه"


def test_apposition_after_a_comma(tagger: RuleTagger) -> None:
    text = "وقال المتحدث باسم القوة، الإيرلندي شون دالتون، إن الوضع هادئ."
    got = attrs(find(tag(tagger, text), "PER", "شون دالتون"))
    assert got["role"][0] == "المتحدث باسم القوه"
    assert got["nationality"][0] == "ايرلندي"


def test_doctor_abbreviation(tagger: RuleTagger) -> None:
    text = "وقالت مديرة البرنامج في الوزارة، د. سلمى القضاة، إن الحملة بدأت."
    got = attrs(find(tag(tagger, text), "PER", "سلمى القضاة"))
    assert got["title"] == ("الدكتور", "د")
    assert got["role"][0] == norm("مديرة البرنامج في الوزارة")


def test_no_person_when_a_function_word_follows_the_title(tagger: RuleTagger) -> None:
    ms = tag(tagger, "وأكد وزير الخارجية الأمريكي أن بلاده لن تتراجع.")
    assert not [m for m in ms if m.type == "PER"]
    find(ms, "TITLE", "وزير الخارجية")
    find(ms, "NORP", "الأمريكي")


def test_name_stops_at_verbs_and_time_words(tagger: RuleTagger) -> None:
    ms = tag(tagger, "وكان الرئيس الفرنسي إيمانويل ماكرون الأربعاء يزور بيروت.")
    find(ms, "PER", "إيمانويل ماكرون")
    ms = tag(tagger, "الفريق يسعى إلى الفوز في المباراة المقبلة.")
    assert not [m for m in ms if m.type in ("PER", "TITLE")]


def test_family_name_found_again_in_the_document(tagger: RuleTagger) -> None:
    text = "أكد الجنرال مارك ميلي أن القوات جاهزة. وأضاف ميلي أن التدريبات ستستمر."
    ms = tag(tagger, text)
    again = [m for m in ms if m.type == "PER" and m.text == "ميلي"]
    assert len(again) == 1 and again[0].confidence < 1.0


def test_organisation_from_a_cue_and_its_complement(tagger: RuleTagger) -> None:
    ms = tag(tagger, "أعلنت وزارة الصحة الأردنية، الاثنين، إطلاق حملة وطنية.")
    assert find(ms, "ORG", "وزارة الصحة الأردنية").norm == "وزاره الصحه الاردنيه"
    # the object after the subject is not part of the organisation
    ms = tag(tagger, "وطالبت هيئة الإغاثة الإسلامية السلطات المحلية بفتح المعابر.")
    find(ms, "ORG", "هيئة الإغاثة الإسلامية")


def test_a_mission_is_one_organisation_not_the_parent(tagger: RuleTagger) -> None:
    ms = tag(tagger, "وتنتشر قوة الأمم المتحدة المؤقتة في لبنان جنوب نهر الليطاني.")
    org = find(ms, "ORG", "قوة الأمم المتحدة المؤقتة في لبنان")
    assert not [m for m in ms if m.type == "ORG" and m is not org]
    find(ms, "LOC", "نهر الليطاني")


@pytest.mark.parametrize(
    ("text", "expansion", "acronym"),
    [
        ("أعلنت الوكالة الدولية للطاقة الذرية (IAEA) أن مفتشيها وصلوا.", "الوكالة الدولية للطاقة الذرية", "IAEA"),
        ("وقالت منظمة الأمم المتحدة للتربية والعلم والثقافة (اليونسكو) إن المواقع تضررت.",
         "منظمة الأمم المتحدة للتربية والعلم والثقافة", "اليونسكو"),
        ("أكد قائد قوة الأمم المتحدة المؤقتة في لبنان «يونيفيل» أن الوضع هادئ.",
         "قوة الأمم المتحدة المؤقتة في لبنان", "يونيفيل"),
        ("وأصدرت هيئة الرقابة النووية (NRA) تقريرها السنوي.", "هيئة الرقابة النووية", "NRA"),
    ],
)  # fmt: skip
def test_bracketed_acronym_is_linked_to_its_expansion(
    tagger: RuleTagger, text: str, expansion: str, acronym: str
) -> None:
    ms = tag(tagger, text)
    exp = find(ms, "ORG", expansion)
    acr = find(ms, "ORG", acronym)
    assert acr.acronym_of == exp.norm


def test_taught_acronym_found_again_in_the_document(tagger: RuleTagger) -> None:
    text = "وأصدرت هيئة الرقابة النووية (NRA) تقريرها. وقالت NRA إن المفاعل آمن."
    acrs = [m for m in tag(tagger, text) if m.text == "NRA"]
    assert len(acrs) == 2
    assert {m.acronym_of for m in acrs} == {norm("هيئة الرقابة النووية")}


def test_known_latin_acronym_alone(tagger: RuleTagger) -> None:
    m = find(tag(tagger, "وتضم UNIFIL نحو عشرة آلاف جندي."), "ORG", "UNIFIL")
    assert m.acronym_of == norm("قوة الأمم المتحدة المؤقتة في لبنان")


def test_proclitics_stay_out_of_the_span(tagger: RuleTagger) -> None:
    text = "وتعهد وبالأمم المتحدة وبريطانيا ولبنان بالدعم."
    ms = tag(tagger, text)
    un = find(ms, "ORG", "الأمم المتحدة")
    assert text[un.start - 2 : un.start] == "وب" and un.norm == "الامم المتحده"
    assert find(ms, "GPE", "بريطانيا").norm == "بريطانيا"
    assert find(ms, "GPE", "لبنان").norm == "لبنان"
    # the fused ل + ال keeps its word whole, with the same key
    ms = tag(tagger, "وجه الشكر للأمم المتحدة على دعمها.")
    assert find(ms, "ORG", "للأمم المتحدة").norm == "الامم المتحده"


def test_nationalities_all_forms_one_key(tagger: RuleTagger) -> None:
    ms = tag(tagger, "وقال مسؤولون أمريكيون إن الجنود الأميركيين والطائرات الأمريكية بخير.")
    norps = [m for m in ms if m.type == "NORP"]
    assert {m.text for m in norps} == {"أمريكيون", "الأميركيين", "الأمريكية"}
    assert {m.norm for m in norps} == {"امريكي"}


def test_place_after_a_place_cue(tagger: RuleTagger) -> None:
    ms = tag(tagger, "افتتحت القوة محطة مياه في بلدة شمع الحدودية.")
    assert find(ms, "GPE", "شمع").confidence < 1.0


def test_given_name_without_title(tagger: RuleTagger) -> None:
    ms = tag(tagger, "واستقبل محمد بن سلمان الوفد في جدة.")
    find(ms, "PER", "محمد بن سلمان")
    find(ms, "GPE", "جدة")


def test_attach_attributes_to_mentions_from_another_tagger() -> None:
    text = "وقال رئيس الوزراء الأردني بشر الخصاونة إن الحكومة ماضية."
    start = text.index("بشر")
    m = Mention("d", start, start + len("بشر الخصاونة"), "بشر الخصاونة", "PER")
    once = attach_attributes(text, [m])
    twice = attach_attributes(text, once)
    assert {a.kind for a in once[0].attributes} == {"role", "nationality"}
    assert once[0].attributes == twice[0].attributes
    assert m.attributes == []  # the input is not modified


def test_mention_norm_for_other_taggers() -> None:
    assert mention_norm("وبالأمم المتحدة") == "الامم المتحده"
    assert mention_norm("وبريطانيا") == "بريطانيا"
    assert mention_norm("للأمم المتحدة") == "الامم المتحده"
    assert mention_norm("بشر الخصاونة") == "بشر الخصاونه"


def test_tagging_is_cheap(tagger: RuleTagger) -> None:
    sentence = (
        "وقال الأمين العام للأمم المتحدة أنطونيو غوتيريش إن قوة الأمم المتحدة المؤقتة في "
        "لبنان (اليونيفيل) ستواصل دعم الجيش اللبناني في جنوب البلاد، فيما أكد وزير الخارجية "
        "الأمريكي أنتوني بلينكن أن بلاده تدعم جهود التهدئة في المنطقة. "
    )
    text = sentence * 10  # about 400 words
    tokens = tokenize(text)
    assert 350 < len(tokens) < 500
    tagger.tag("d", text, split_sentences(text), tokens)
    t0 = time.perf_counter()
    for _ in range(5):
        tagger.tag("d", text, split_sentences(text), tokens)
    per_article = (time.perf_counter() - t0) / 5
    assert per_article < 0.02, f"{per_article * 1000:.1f} ms for a 400-word article"


def test_definite_head_refers_back_to_the_organisation(tagger: RuleTagger) -> None:
    text = (
        "أكد قائد قوة الأمم المتحدة المؤقتة في لبنان أن القوة الدولية ستواصل عملها، "
        "ورفض استخدام القوة. وأعلنت وزارة الصحة الأردنية الحملة، وأوضحت الوزارة أنها مجانية."
    )
    ms = tag(tagger, text)
    force = find(ms, "ORG", "القوة الدولية")
    assert force.norm == norm("قوة الأمم المتحدة المؤقتة في لبنان") and force.confidence < 1
    assert find(ms, "ORG", "الوزارة").norm == norm("وزارة الصحة الأردنية")
    # "القوة" alone (force) is a common noun
    assert not [m for m in ms if m.text == "القوة"]


@pytest.mark.parametrize(
    "text",
    [
        # common words and verbs the lists hold
        "وأجرى وزير الخارجية محادثات مع نظيره الأردني في عمان.",
        "وقال إن الوزير الجديد يدرك حجم التحديات التي تواجه القطاع.",
        "وأوضح أن مهام الأمين العام تتلخص في التنسيق بين الإدارات.",
        "وأكد المدير حاليا أن العمل مستمر في المشروع.",
        "وقال الرئيس يستعرض التقرير أمام المجلس غدا.",
        # imperfect verbs the lists do not hold, read by their other person prefixes
        "وكان الرئيس تتلخص مهامه في الإشراف على الأجهزة الأمنية.",
        "وقال الرئيس ستتخذ الحكومة إجراءات جديدة لدعم الاقتصاد.",
        "وقال إن الوزير يستعرض التقرير أمام المجلس غدا.",
        # a conjunction glued to a verb, a corpus-common noun
        "وقال وزير المالية فأعلن عن الميزانية الجديدة.",
        "وبحث وزير الدفاع تطورات الأوضاع في المنطقة مع قائد القوات.",
        "وصل الأمير مدن المنطقة الشرقية أمس في جولة تفقدية.",
    ],
)
def test_no_person_after_a_title_from_a_common_word_or_verb(tagger: RuleTagger, text: str) -> None:
    assert not [m.text for m in tag(tagger, text) if m.type == "PER"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # names right after titles, lineages closed by a family name
        ("وقال رئيس الوزراء الأردني بشر الخصاونة إن الحكومة ماضية.", "بشر الخصاونة"),
        ("وأكد وزير الإسكان الجديد ماجد الحقيل أن البرنامج سيستمر.", "ماجد الحقيل"),
        ("وافتتح الشيخ راشد بن محمد بن راشد آل مكتوم المعرض أمس.", "راشد بن محمد بن راشد آل مكتوم"),
        ("واستقبل الأمير سلطان بن سلمان بن عبدالعزيز الوفد.", "سلطان بن سلمان بن عبدالعزيز"),
        # qualifiers of the title are skipped, the name after them is read
        ("وقال وزير الإسكان الجديد ماجد الحقيل إن البرنامج سيستمر.", "ماجد الحقيل"),
        ("أكد رئيس الوزراء السابق عادل عبد المهدي أن الحكومة لم تتلق أي طلب.", "عادل عبد المهدي"),
        ("وأعلن وزير الداخلية المكلف اللواء عبد الله الزهراني عن خطة.", "عبد الله الزهراني"),
        # a word the common-word list holds, followed by a family name
        ("قال الرئيس الأمريكي جو بايدن يوم الثلاثاء إن بلاده ستواصل دعمها.", "جو بايدن"),
        # lineages longer than three names, closed by a house or family name
        (
            "التقى وزير الدفاع الأمير محمد بن سلمان بن عبدالعزيز آل سعود الرئيس الفرنسي.",
            "محمد بن سلمان بن عبدالعزيز آل سعود",
        ),
        (
            "وصدر أمر بتعيين المدير العام سعد بن محمد بن سليمان السياري رئيسا للفرع.",
            "سعد بن محمد بن سليمان السياري",
        ),
    ],
)
def test_names_after_titles_with_qualifiers_and_lineages(
    tagger: RuleTagger, text: str, name: str
) -> None:
    assert [m.text for m in tag(tagger, text) if m.type == "PER"] == [name]


def test_a_lineage_ends_before_a_common_word(tagger: RuleTagger) -> None:
    text = "وافتتح الشيخ محمد بن راشد بن سعيد المعرض الدولي للكتاب أمس."
    assert [m.text for m in tag(tagger, text) if m.type == "PER"] == ["محمد بن راشد بن سعيد"]


def test_the_learned_reading_guides_the_name_after_a_title(tagger: RuleTagger) -> None:
    # a word the learned tagger is confident is no entity is no name; one it reads as part
    # of a person name is one, whatever the common-word list says
    text = "وقال الرئيس قاسم توكاييف إن الاتفاق قريب."
    toks = tokenize(text)
    assert [m.text for m in tagger.tag("d", text, None, toks) if m.type == "PER"] == [
        "قاسم توكاييف"
    ]
    first = toks[2].start
    ms = tagger.tag("d", text, None, toks, outside={first})
    assert not [m for m in ms if m.type == "PER"]
    text = "وقال الأمين العام بان كي مون إن المنظمة قلقة."
    toks = tokenize(text)
    start, end = toks[3].start, toks[5].end
    learned = [Mention("d", start, end, text[start:end], "PER", "بان كي مون", confidence=0.9)]
    ms = tagger.tag("d", text, None, toks, learned=learned)
    assert find(ms, "PER", "بان كي مون")
