"""Cross-document linking: acronyms, aliases, short names, namesakes, organisations and
their missions."""

from __future__ import annotations

import pytest

from marsad.model import Attribute, Entity, Mention
from marsad.ner.base import Tagger
from marsad.ner.combined import CombinedTagger
from marsad.ner.link import link, skeleton
from marsad.ner.rules import RuleTagger
from marsad.text.segment import split_sentences, tokenize

DOC_A = (
    "أجرى قائد قوة الأمم المتحدة المؤقتة في لبنان (اليونيفيل) اللواء الإيطالي ماوريتسيو "
    "كالفيني محادثات مع الجيش اللبناني. وقال كالفيني إن التنسيق مستمر. ودعا الأمين العام "
    "للأمم المتحدة أنطونيو غوتيريش إلى احترام القرار 1701."
)
DOC_B = (
    "تعد قوة الأمم المتحدة المؤقتة في لبنان (UNIFIL) من أقدم بعثات حفظ السلام التابعة "
    "لمنظمة الأمم المتحدة (UN). ويقود القوة حالياً الجنرال الإسباني ألبرتو ريغيرو."
)
DOC_C = (
    "أكد قائد اليونيفيل الفريق الإسباني ألبرتو ريجيرو أن القوة ستواصل عملها، فيما قالت "
    "المنظمة الدولية إن UNIFIL تضم عشرة آلاف جندي. وقال ريجيرو إن الوضع هادئ."
)


@pytest.fixture(scope="module")
def tagger() -> RuleTagger:
    return RuleTagger()


@pytest.fixture(scope="module")
def combined() -> Tagger:
    return CombinedTagger()


def tag_docs(tagger: Tagger, docs: dict[str, str]) -> list[Mention]:
    out: list[Mention] = []
    for doc_id, text in docs.items():
        out += tagger.tag(doc_id, text, split_sentences(text), tokenize(text))
    return out


def entity_of(entities: list[Entity], kind: str, surface: str) -> Entity:
    hits = [e for e in entities if e.type == kind and any(m.text == surface for m in e.mentions)]
    assert len(hits) == 1, f"{kind} {surface!r}: {[(e.type, e.name) for e in hits]}"
    return hits[0]


def per(doc: str, text: str, attributes: list[Attribute] | None = None) -> Mention:
    from marsad.text.normalise import norm

    return Mention(doc, 0, len(text), text, "PER", norm(text), attributes or [])


def test_mission_acronyms_link_across_documents_and_stay_apart_from_the_un(
    tagger: RuleTagger,
) -> None:
    mentions = tag_docs(tagger, {"a": DOC_A, "b": DOC_B, "c": DOC_C})
    entities = link(mentions)
    mission = entity_of(entities, "ORG", "اليونيفيل")
    surfaces = {m.text for m in mission.mentions}
    assert {"قوة الأمم المتحدة المؤقتة في لبنان", "اليونيفيل", "UNIFIL"} <= surfaces
    assert {m.doc for m in mission.mentions} == {"a", "b", "c"}
    assert mission.name == "قوة الأمم المتحدة المؤقتة في لبنان"
    un = entity_of(entities, "ORG", "UN")
    assert {"للأمم المتحدة", "منظمة الأمم المتحدة", "المنظمة الدولية"} <= {
        m.text for m in un.mentions
    }
    assert un.id != mission.id
    assert un.name == "الأمم المتحدة"  # written without the fused ل of "للأمم"
    for m in mentions:
        if m.type in ("ORG", "PER", "GPE", "LOC", "NORP"):
            assert m.entity is not None
        if m.type == "TITLE":
            assert m.entity is None


def test_transliterations_and_family_names_of_one_person(tagger: RuleTagger) -> None:
    entities = link(tag_docs(tagger, {"b": DOC_B, "c": DOC_C}))
    person = entity_of(entities, "PER", "ألبرتو ريغيرو")
    assert {m.text for m in person.mentions} == {"ألبرتو ريغيرو", "ألبرتو ريجيرو", "ريجيرو"}
    short = [m for m in person.mentions if m.text == "ريجيرو"]
    assert all(m.confidence < 0.9 for m in short)
    # attributes from both reports are merged on the entity
    kinds = {(a.kind, a.value) for a in person.attributes}
    assert {("rank", "الجنرال"), ("rank", "الفريق"), ("nationality", "اسباني")} <= kinds


def test_taught_acronym_links_a_bare_use_in_another_document(tagger: RuleTagger) -> None:
    docs = {
        "a": "وأصدرت هيئة الرقابة النووية (NRA) تقريرها السنوي أمس.",
        "b": "وقالت NRA في بيان إن المفاعلات آمنة.",
    }
    entities = link(tag_docs(tagger, docs))
    org = entity_of(entities, "ORG", "NRA")
    assert {m.doc for m in org.mentions} == {"a", "b"}
    assert org.name == "هيئة الرقابة النووية"


def test_short_name_links_to_the_only_full_name(tagger: RuleTagger) -> None:
    docs = {
        "a": "وأكد رئيس الوزراء الأردني بشر الخصاونة أن الحكومة ماضية في خططها.",
        "b": "وقال رئيس الوزراء الخصاونة إن الموازنة ستقر قريبا.",
    }
    mentions = tag_docs(tagger, docs)
    entities = link(mentions)
    person = entity_of(entities, "PER", "بشر الخصاونة")
    assert {m.text for m in person.mentions} == {"بشر الخصاونة", "الخصاونة"}
    assert person.name == "بشر الخصاونة" and person.aliases == ["الخصاونة"]
    assert {a.kind for a in person.attributes} == {"role", "nationality"}


def test_namesakes_stay_apart_and_a_shared_family_name_is_not_linked() -> None:
    mentions = [
        per("a", "أيمن الصفدي"),
        per("b", "عاطف الصفدي"),
        per("c", "الصفدي"),
        per("d", "أيمن الصفدي"),
    ]
    entities = link(mentions)
    assert len(entities) == 3
    ayman = entity_of(entities, "PER", "أيمن الصفدي")
    assert len(ayman.mentions) == 2
    alone = entity_of(entities, "PER", "الصفدي")
    assert alone.mentions[0].confidence <= 0.5


def test_short_arabic_names_are_not_merged_as_transliterations() -> None:
    entities = link([per("a", "محمد سعيد"), per("b", "محمد سعد")])
    assert len(entities) == 2
    assert skeleton("ريجيرو") == skeleton("ريغيرو")


def test_prefix_of_one_longer_name() -> None:
    entities = link([per("a", "محمد بن سلمان"), per("b", "محمد بن سلمان آل سعود")])
    assert len(entities) == 1
    assert entities[0].name == "محمد بن سلمان آل سعود"


def test_country_names_and_nationality_forms(tagger: RuleTagger) -> None:
    docs = {
        "a": "وصل الوفد إلى الولايات المتحدة. وقال مسؤولون أمريكيون إن المحادثات بناءة.",
        "b": "وأعلنت أمريكا دعمها للاتفاق، فيما رحب الجانب الأميركي بالنتائج.",
    }
    entities = link(tag_docs(tagger, docs))
    country = entity_of(entities, "GPE", "أمريكا")
    assert {m.text for m in country.mentions} == {"الولايات المتحدة", "أمريكا"}
    norp = entity_of(entities, "NORP", "أمريكيون")
    assert {m.text for m in norp.mentions} == {"أمريكيون", "الأميركي"}


def test_cue_noun_and_bare_name_of_an_organisation(tagger: RuleTagger) -> None:
    docs = {"a": "وأعلنت شركة سابك نتائجها الفصلية.", "b": "وحققت سابك أرباحا قياسية."}
    mentions = tag_docs(tagger, docs)
    start = docs["b"].index("سابك")
    # the bare name as another tagger would give it
    mentions.append(Mention("b", start, start + 4, "سابك", "ORG", "سابك"))
    entities = link(mentions)
    org = entity_of(entities, "ORG", "شركة سابك")
    assert {m.doc for m in org.mentions} == {"a", "b"}


def test_ids_are_deterministic(tagger: RuleTagger) -> None:
    docs = {"a": DOC_A, "b": DOC_B, "c": DOC_C}
    first = {e.name: e.id for e in link(tag_docs(tagger, docs))}
    again = {e.name: e.id for e in link(tag_docs(tagger, dict(reversed(list(docs.items())))))}
    assert first == again
    assert len(set(first.values())) == len(first)


def test_name_without_its_fathers_links_to_the_one_full_name() -> None:
    entities = link(
        [
            per("a", "محمد بن عثمان القرني"),
            per("b", "محمد القرني"),
            per("c", "عبدالمنعم بن ياسين الشهري"),
            per("d", "عبدالمنعم الشهري"),
        ]
    )
    assert len(entities) == 2
    assert {m.text for m in entity_of(entities, "PER", "محمد القرني").mentions} == {
        "محمد بن عثمان القرني",
        "محمد القرني",
    }


def test_name_without_fathers_stays_apart_when_two_fathers_are_named() -> None:
    entities = link(
        [
            per("a", "محمد بن صالح الغامدي"),
            per("b", "محمد بن علي الغامدي"),
            per("c", "محمد الغامدي"),
        ]
    )
    assert len(entities) == 3
    # a longer chain of the same fathers is still the same person
    same = link([per("a", "خالد بن سعد بن فهد العتيبي"), per("b", "خالد بن سعد العتيبي")])
    assert len(same) == 1


@pytest.mark.parametrize(
    ("spaced", "joined"),
    [
        ("عبد الفتاح السيسي", "عبدالفتاح السيسي"),
        ("أحمد أبو زيد", "أحمد أبوزيد"),
        ("فيصل بن عبد العزيز", "فيصل بن عبدالعزيز"),
    ],
)
def test_compound_names_with_or_without_a_space_are_one_person(spaced: str, joined: str) -> None:
    entities = link([per("a", spaced), per("b", joined)])
    assert len(entities) == 1, [(e.name, [m.text for m in e.mentions]) for e in entities]


def test_compound_family_name_alone_links_to_its_bearer() -> None:
    entities = link([per("a", "أحمد أبو زيد"), per("b", "أبوزيد"), per("c", "محمد زيد")])
    bearer = entity_of(entities, "PER", "أحمد أبو زيد")
    assert {m.text for m in bearer.mentions} == {"أحمد أبو زيد", "أبوزيد"}
    assert len(entities) == 2


KERRY_DOCS = {
    "a": "وصل وزير الخارجية الأمريكي جون كيري إلى فيينا أمس لاستئناف المفاوضات النووية مع "
    "إيران. وقال كيري للصحفيين إن الاتفاق ما زال ممكنا.",
    "b": "وشاركت تيريزا هاينز كيري، زوجة وزير الخارجية الأمريكي، في حفل خيري في بوسطن. "
    "وقالت كيري إن التبرعات ستذهب إلى مستشفى الأطفال.",
    "c": "وقال كيري في مؤتمر صحفي إن واشنطن لن تقبل باتفاق سيئ.",
}


def test_family_name_alone_is_the_bearer_named_in_its_own_report(combined: Tagger) -> None:
    mentions = tag_docs(combined, KERRY_DOCS)
    entities = link(mentions)
    john = entity_of(entities, "PER", "جون كيري")
    teresa = entity_of(entities, "PER", "تيريزا هاينز كيري")
    names = {(m.doc, m.text) for m in john.mentions if m.type == "PER"}
    assert names == {("a", "جون كيري"), ("a", "كيري")}
    assert {(m.doc, m.text) for m in teresa.mentions if m.type == "PER"} == {
        ("b", "تيريزا هاينز كيري"),
        ("b", "كيري"),
    }
    # a report naming neither: two people of the set bear the name, so it is linked to neither
    alone = [e for e in entities if any(m.doc == "c" and m.text == "كيري" for m in e.mentions)]
    assert len(alone) == 1 and alone[0].id not in (john.id, teresa.id)
    assert all(m.confidence <= 0.5 for m in alone[0].mentions)


def test_two_bearers_in_one_report_leave_its_family_name_alone_unlinked() -> None:
    entities = link(
        [
            per("a", "أيمن الصفدي"),
            per("a", "عاطف الصفدي"),
            per("a", "الصفدي"),
            per("b", "أيمن الصفدي"),
            per("b", "الصفدي"),
        ]
    )
    ayman = entity_of(entities, "PER", "أيمن الصفدي")
    assert {m.doc for m in ayman.mentions if m.text == "الصفدي"} == {"b"}
    in_a = [e for e in entities if any(m.doc == "a" and m.text == "الصفدي" for m in e.mentions)]
    assert len(in_a) == 1 and in_a[0].id != ayman.id
    assert in_a[0].mentions[0].confidence <= 0.5


@pytest.mark.parametrize(
    ("full", "alone"),
    [
        ("بندر بن سلطان", "سلطان"),
        ("فيصل بن عبدالعزيز آل سعود", "سعود"),
        ("هند بنت عتبة", "عتبة"),
        ("أم خالد", "خالد"),
    ],
)
def test_a_fathers_childs_or_houses_name_alone_is_not_the_full_names_bearer(
    full: str, alone: str
) -> None:
    for docs in (("a", "a"), ("a", "b")):
        entities = link([per(docs[0], full), per(docs[1], alone)])
        assert len(entities) == 2, [e.name for e in entities]


def test_a_title_alone_is_linked_to_the_one_person_who_holds_it(combined: Tagger) -> None:
    docs = {
        "a": "دعا الأمين العام للأمم المتحدة أنطونيو غوتيريش إلى وقف فوري لإطلاق النار في "
        "غزة. وقال الأمين العام إن الوضع الإنساني كارثي.",
        "b": "وحذر الأمين العام للأمم المتحدة من تدهور الأوضاع. وأضاف الأمين العام أن "
        "المنظمة ستواصل جهودها.",
        "c": "وقال الرئيس الفرنسي إيمانويل ماكرون إن باريس تدعم الحل. وأكد الرئيس الفرنسي أن "
        "بلاده ستقدم المساعدات.",
        "d": "وقال الأمين العام لجامعة الدول العربية إن القمة ستعقد في موعدها. وصرح الرئيس "
        "بأن الحكومة ستتخذ إجراءات جديدة.",
    }
    mentions = tag_docs(combined, docs)
    entities = link(mentions)
    guterres = entity_of(entities, "PER", "أنطونيو غوتيريش")
    macron = entity_of(entities, "PER", "إيمانويل ماكرون")
    titles = {(m.doc, m.start): m for m in mentions if m.type == "TITLE"}
    # the role that qualifies the name stays a title of no entity
    attached = [m for m in titles.values() if m.doc == "a" and m.start < 20]
    assert attached and all(m.entity is None for m in attached)
    # later in the same report (0.75) and in another report of the set (0.6)
    later_a = [m for m in titles.values() if m.doc == "a" and m.start > 20]
    assert [(m.entity, m.confidence) for m in later_a] == [(guterres.id, 0.75)]
    # in another report: qualified by its organisation (0.6), then named so before (0.75)
    in_b = sorted((m for m in titles.values() if m.doc == "b"), key=lambda m: m.start)
    assert [(m.entity, m.confidence) for m in in_b] == [(guterres.id, 0.6), (guterres.id, 0.75)]
    assert [m.entity for m in titles.values() if m.doc == "c" and m.start > 20] == [macron.id]
    # the secretary-general of another organisation, and a president no report names
    assert all(m.entity is None for m in titles.values() if m.doc == "d")
    assert {m.doc for m in guterres.mentions} == {"a", "b"}


def test_a_title_held_by_two_people_is_linked_only_where_its_report_names_one() -> None:
    from marsad.text.normalise import norm

    def minister(doc: str, name: str, start: int) -> Mention:
        role = Attribute("role", norm("وزير الخارجية"), start - 14, start - 1, "وزير الخارجية")
        m = per(doc, name, [role])
        m.start, m.end = start, start + len(name)
        return m

    def title(doc: str, start: int) -> Mention:
        return Mention(doc, start, start + 13, "وزير الخارجية", "TITLE", norm("وزير الخارجية"))

    mentions = [
        minister("a", "أيمن الصفدي", 20),
        minister("b", "ناصر جودة", 20),
        title("b", 80),  # after ناصر جودة in its own report
        title("c", 10),  # a report naming neither minister
    ]
    entities = link(mentions)
    judeh = entity_of(entities, "PER", "ناصر جودة")
    assert mentions[2].entity == judeh.id
    assert mentions[3].entity is None


def test_a_title_in_apposition_is_the_person_before_it_and_a_rank_alone_is_no_one(
    combined: Tagger,
) -> None:
    docs = {
        "a": "انتقد سمير دندن، رئيس جمعية المسلمين اللبنانيين في فرنسا، قرار الحكومة.",
        "b": "واستقبل رئيس ديوان المظالم الدكتور خالد اليوسف ومدير الشؤون الإعلامية بالوزارة "
        "في مكتبه.",
        "c": "وقاد الفريق الأول خالد القروني المناورات. ويختتم الفريق الأول مساء اليوم "
        "تدريباته استعدادا لمواجهة الأهلي.",
    }
    mentions = tag_docs(combined, docs)
    entities = link(mentions, texts=docs)
    dandan = entity_of(entities, "PER", "سمير دندن")
    apposed = [m for m in mentions if m.doc == "a" and m.type == "TITLE"]
    assert apposed and apposed[0].entity == dandan.id and apposed[0].confidence == 0.8
    # "و" joins a second man, and "الفريق الأول" alone is the first team
    assert [m.text for m in mentions if m.doc == "b" and m.type == "TITLE" and m.entity] == []
    later = [m for m in mentions if m.doc == "c" and m.type == "TITLE" and m.start > 30]
    assert later and all(m.entity is None for m in later)


def test_a_title_word_after_al_is_a_house_name_not_a_reference() -> None:
    from marsad.text.normalise import norm

    text = "وعين الشيخ صالح بن عبد العزيز وزيرا، والمهندس عبد اللطيف آل الشيخ وكيلا."
    sheikh = Attribute("title", norm("الشيخ"), 5, 10, "الشيخ")
    saleh = per("d", "صالح بن عبد العزيز", [sheikh])
    saleh.start, saleh.end = 11, 29
    start = text.index("الشيخ", 20)
    house = Mention("d", start, start + 5, "الشيخ", "TITLE", norm("الشيخ"))
    link([saleh, house], texts={"d": text})
    assert house.entity is None
    # without the text the same title would be read as the sheikh named before it
    house.entity = None
    link([saleh, house])
    assert house.entity == saleh.entity


def org(doc: str, text: str) -> Mention:
    from marsad.text.normalise import norm

    return Mention(doc, 0, len(text), text, "ORG", norm(text))


def test_a_cue_and_a_definite_bare_name_are_one_body_unless_cues_of_two_kinds_share_it() -> None:
    entities = link(
        [
            org("a", "تنظيم القاعدة"),
            org("b", "القاعدة"),
            org("c", "منظمة القاعدة"),
            org("a", "قناة الوطن"),
            org("b", "صحيفة الوطن"),
            org("c", "الوطن"),
            org("d", "حزب الله"),
            org("d", "الله"),
        ]
    )
    qaeda = entity_of(entities, "ORG", "تنظيم القاعدة")
    assert {m.text for m in qaeda.mentions} == {"تنظيم القاعدة", "القاعدة", "منظمة القاعدة"}
    # a channel and a newspaper of one name are two bodies, and the bare name is neither
    assert (
        len({entity_of(entities, "ORG", t).id for t in ("قناة الوطن", "صحيفة الوطن", "الوطن")}) == 3
    )
    assert entity_of(entities, "ORG", "حزب الله").id != entity_of(entities, "ORG", "الله").id


def test_a_title_naming_its_body_by_a_definite_head_noun_refers_to_its_holder(
    combined: Tagger,
) -> None:
    text = (
        "أجرى قائد قوة الأمم المتحدة المؤقتة في لبنان (اليونيفيل) اللواء الإيطالي ماوريتسيو "
        "كالفيني، أمس، محادثات مع الجيش اللبناني. وجاءت المحادثات في ختام جولة ميدانية قام "
        "بها قائد القوّة على مواقع الوحدات الدولية."
    )
    mentions = tag_docs(combined, {"a": text})
    entities = link(mentions, texts={"a": text})
    calvini = entity_of(entities, "PER", "ماوريتسيو كالفيني")
    bare = [m for m in mentions if m.type == "TITLE" and m.text == "قائد القوّة"]
    assert len(bare) == 1 and bare[0].entity == calvini.id


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("أنطونيو غوتيريش", "أنطونيو غوتيريس"),  # a final ش renders the s of Guterres
        ("فلاديمير بوتين", "فلاديمير بوتن"),  # four letters against five, one vowel more
        ("دونالد ترامب", "دونالد ترمب"),
        ("بنيامين نتنياهو", "بنيامين نتانياهو"),
    ],
)
def test_transliterations_of_a_foreign_name_are_one_person(one: str, other: str) -> None:
    assert len(link([per("a", one), per("b", other)])) == 1


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("محمد سليمان", "محمد سلمان"),  # two Arabic names the lists know
        ("جيورجيو كيليني", "جورج كلوني"),  # Chiellini is not Clooney
        ("محمد سعيد", "محمد سعد"),
    ],
)
def test_different_names_that_look_alike_stay_apart(one: str, other: str) -> None:
    assert len(link([per("a", one), per("b", other)])) == 2
