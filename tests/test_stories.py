"""Story clustering: incremental and batch, time window, frequent keys, near-duplicates,
the bundled samples, and rebuilding from the store."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from marsad.demo import sample_story_paths
from marsad.ingest import read_paths
from marsad.model import Document
from marsad.pipeline import analyse
from marsad.store import Store
from marsad.stories.build import (
    SIGNATURE_KEY,
    StoryBuilder,
    build_from_inputs,
    build_stories,
    story_input,
    story_payload,
)
from marsad.stories.cluster import StoryClusterer, cluster_documents, document_order

DAY = date(2015, 8, 2)


def report(text: str, day: date | None = DAY, title: str = "", source: str = "") -> Document:
    return Document.create(text, title=title, source=source, published=day)


def _events() -> list[tuple[Document, set[str], set[str]]]:
    """Twelve reports of four events over a week, each event told by several outlets."""
    events = [
        (
            {"PER:خالد الفالح", "ORG:ارامكو", "GPE:الظهران"},
            {"ارامكو", "حقل", "انتاج", "برميل", "نفط", "شيبه", "توسعه"},
        ),
        (
            {"ORG:الهلال الاحمر", "GPE:جازان", "LOC:وادي لجب"},
            {"غرق", "انتشال", "وادي", "سيول", "جثه", "غواص", "مدني"},
        ),
        (
            {"ORG:جامعه الملك عبدالعزيز", "ORG:جامعه اكسفورد", "GPE:جده"},
            {"اتفاقيه", "تعاون", "جامعه", "بحث", "ابتعاث", "توقيع", "اكاديمي"},
        ),
        (
            {"GPE:اليونان", "ORG:صندوق النقد الدولي", "GPE:اثينا"},
            {"مصارف", "ديون", "يورو", "قرض", "تقشف", "سداد", "دائنين"},
        ),
    ]
    rng = random.Random(3)
    items = []
    for e, (entities, terms) in enumerate(events):
        for k in range(3):
            day = DAY + timedelta(days=e + k // 2)
            kept_entities = set(rng.sample(sorted(entities), 2))
            kept_terms = set(rng.sample(sorted(terms), 5)) | {f"كلمه{e}{k}"}
            doc = report(f"خبر {e}-{k}", day, title=f"عنوان {e}-{k}", source=f"صحيفة {k}")
            items.append((doc, kept_entities, kept_terms))
    return items


def _groups(stories, items) -> list[list[int]]:
    index = {doc.id: i for i, (doc, _, _) in enumerate(items)}
    return sorted(sorted(index[d] for d in s.doc_ids) for s in stories)


def test_events_cluster_into_their_stories():
    assert cluster_documents([]) == []
    assert build_from_inputs([]).stories == []
    items = _events()
    stories = cluster_documents(items)
    assert _groups(stories, items) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]


def test_incremental_gives_the_same_stories_as_batch():
    items = _events()
    shuffled = items[:]
    random.Random(8).shuffle(shuffled)
    batch = cluster_documents(shuffled)  # sorts by date itself
    clusterer = StoryClusterer()
    ids = [clusterer.add(*item) for item in sorted(items, key=lambda it: document_order(it[0]))]
    assert [(s.id, s.doc_ids, s.title) for s in clusterer.stories()] == [
        (s.id, s.doc_ids, s.title) for s in batch
    ]
    assert clusterer.add(*items[0]) == ids[0]  # a report already placed stays where it is
    assert len(clusterer.stories()) == len(batch)
    assert clusterer.story_of(items[4][0].id) == ids[4]


def test_a_report_outside_the_time_window_starts_a_new_story():
    entities = {"ORG:هيئه الهلال الاحمر", "GPE:الباحه"}
    terms = {"اسعاف", "بلاغ", "حادث", "مصاب", "طريق"}
    first = report("حادث على طريق الباحة", DAY)
    near = report("مصابون في حادث الباحة", DAY + timedelta(days=2))
    later = report("حادث آخر على طريق الباحة", DAY + timedelta(days=12))
    stories = cluster_documents([(first, entities, terms), (near, entities, terms)])
    assert len(stories) == 1
    stories = cluster_documents(
        [(first, entities, terms), (near, entities, terms), (later, entities, terms)]
    )
    assert [len(s.doc_ids) for s in stories] == [2, 1]
    assert stories[1].doc_ids == [later.id]


def test_a_follow_up_weeks_later_joins_when_it_shares_many_entities():
    entities = {
        "ORG:اليونيفيل",
        "ORG:الجيش اللبناني",
        "LOC:الخط الازرق",
        "GPE:الناقوره",
        "PER:البرتو ريجيرو",
    }
    terms = {"قائد", "دوريات", "محادثات", "جنوب", "تنسيق", "ولايه"}
    first = report("قائد اليونيفيل يلتقي الجيش", date(2019, 11, 12))
    follow_up = report("اجتماع ثلاثي في الناقورة", date(2019, 12, 17))
    stories = cluster_documents([(first, entities, terms), (follow_up, entities, terms)])
    assert len(stories) == 1 and stories[0].last == "2019-12-17"
    # Two entities only: too little to reach back five weeks.
    few = set(sorted(entities)[:2])
    stories = cluster_documents([(first, entities, terms), (follow_up, few, terms)])
    assert len(stories) == 2


def test_a_very_frequent_key_does_not_merge_everything():
    rng = random.Random(1)
    items = []
    for i in range(60):
        doc = report(f"خبر محلي رقم {i}", DAY + timedelta(days=i % 3), source=f"صحيفة {i % 5}")
        entities = {"GPE:السعوديه", "PER:سلمان بن عبدالعزيز", f"GPE:مدينه{i}"}
        terms = {"مملكه", "سعودي", "عام"} | {f"موضوع{i}_{k}" for k in range(4)}
        if rng.random() < 0.5:
            terms.add("وزاره")
        items.append((doc, entities, terms))
    stories = cluster_documents(items)
    # Only the first few reports, before the keys are known to be frequent, may meet.
    assert len(stories) >= 50
    assert max(len(s.doc_ids) for s in stories) <= 6


def test_near_duplicates_end_up_in_one_story_whatever_their_keys():
    a = report("نص الوكالة", DAY, source="واس")
    b = report("نص الصحيفة المنقول", DAY + timedelta(days=1), source="عكاظ")
    items = [(a, {"PER:س"}, {"اول"}), (b, {"PER:ع"}, {"ثان"})]
    assert len(cluster_documents(items)) == 2
    stories = cluster_documents(items, duplicates=[[a.id, b.id]])
    assert [s.doc_ids for s in stories] == [[a.id, b.id]]
    clusterer = StoryClusterer()
    story = clusterer.add(a, {"PER:س"}, {"اول"})
    assert clusterer.add(b, {"PER:ع"}, {"ثان"}, duplicate_of=[a.id]) == story


def test_story_title_is_the_earliest_headline_or_the_first_words():
    untitled = report("اليونيفيل تحتفل بذكرى تأسيسها في جنوب لبنان وسط حضور رسمي واسع وشعبي كبير")
    stories = cluster_documents([(untitled, set(), set())])
    assert (
        stories[0].title == "اليونيفيل تحتفل بذكرى تأسيسها في جنوب لبنان وسط حضور رسمي واسع وشعبي…"
    )
    items = _events()
    first = min(items[:3], key=lambda it: document_order(it[0]))[0]
    assert cluster_documents(items)[0].title == first.title


# -- the bundled samples, analysed -----------------------------------------------------


@pytest.fixture(scope="module")
def samples() -> tuple[list[Document], dict[str, dict], dict[str, str]]:
    paths = sample_story_paths()
    story_of = {f"{p.parent.name}/{p.stem}": p.parent.name for ps in paths.values() for p in ps}
    docs = [
        d
        for d in read_paths([str(p) for ps in paths.values() for p in ps])
        if isinstance(d, Document)
    ]
    names = {d.id: f"{Path(d.path).parent.name}/{Path(d.path).stem}" for d in docs}
    assert len(docs) == 9 and set(names.values()) == set(story_of)
    payloads = {d.id: story_payload(analyse(d)) for d in docs}
    return docs, payloads, names


def test_samples_cluster_into_their_three_stories_with_the_near_duplicate(samples):
    docs, payloads, names = samples
    result = build_from_inputs([story_input(d, payloads[d.id]) for d in docs])
    groups = sorted(sorted(names[d] for d in s.doc_ids) for s in result.stories)
    assert groups == [
        [
            "jordan-measles-campaign/manara-2",
            "jordan-measles-campaign/sada-3",
            "jordan-measles-campaign/wadi-2",
        ],
        ["sfax-boat-capsize/afaq-2", "sfax-boat-capsize/sada-2", "sfax-boat-capsize/wadi-1"],
        [
            "unifil-south-lebanon/afaq-1",
            "unifil-south-lebanon/manara-1",
            "unifil-south-lebanon/sada-1",
        ],
    ]
    [group] = result.duplicates
    # The agency's report is the canonical one, the newspaper's its copy.
    assert [names[d] for d in group.ids] == [
        "jordan-measles-campaign/wadi-2",
        "jordan-measles-campaign/manara-2",
    ]


def test_store_rebuild_and_incremental_builder_agree(samples, tmp_path):
    docs, payloads, names = samples
    ordered = sorted(docs, key=document_order)
    with Store(tmp_path / "stories.db") as store:
        # The first six reports are stored with a signature, the others without one
        # (an older payload): theirs is computed from the text.
        old = {d.id: {k: v for k, v in payloads[d.id].items() if k != SIGNATURE_KEY} for d in docs}
        store.add_documents(
            ordered,
            analyses={d.id: payloads[d.id] if i < 6 else old[d.id] for i, d in enumerate(ordered)},
        )
        rebuilt = build_stories(store)
        store.set_stories(rebuilt.stories)
        assert len(store.stories()) == 3
        assert {"read", "near_duplicates", "clustering"} <= set(rebuilt.seconds)
        # Replay the first seven from the store, then add the last two one by one.
        with Store(tmp_path / "partial.db") as partial:
            partial.add_documents(ordered[:7], analyses={d.id: payloads[d.id] for d in docs})
            builder = StoryBuilder.from_store(partial)
        for d in ordered[7:]:
            builder.add(d, payloads[d.id])
    assert [(s.id, s.doc_ids) for s in builder.stories()] == [
        (s.id, s.doc_ids) for s in rebuilt.stories
    ]
    assert [g.ids for g in builder.duplicate_groups()] == [g.ids for g in rebuilt.duplicates]
