"""The SQLite store: migrations, documents, full-text search, analyses, stories; clustering."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest

import marsad.store.sqlite as store_module
from marsad.ingest import read_paths
from marsad.model import Document
from marsad.store import LATEST_VERSION, SearchQueryError, Store, StoreError, default_db_path
from marsad.store.migrations import Migration
from marsad.stories.cluster import StoryClusterer, cluster_documents, story_id
from marsad.text.normalise import norm

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

UN_TEXT = (
    "بيروت - 12 نوفمبر 2019 - أكد الأمين العام للأمم المتّحدة أن قوة الأمم المتحدة المؤقتة "
    "في لبنان ستواصل عملها، وأن المنظمة الدولية تدعم الحوار بين الأطراف."
)


def doc(text: str, title: str = "", source: str = "", published: date | None = None) -> Document:
    return Document.create(text, title=title, source=source, published=published)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "test.db") as s:
        yield s


# -- opening and migrations ----------------------------------------------------------------------


def test_migrations_are_idempotent(tmp_path):
    path = tmp_path / "m.db"
    with Store(path) as first:
        assert first.schema_version == LATEST_VERSION
        first.add_documents([doc(UN_TEXT)])
    with Store(path) as second:
        assert second.migrate() == []
        assert second.schema_version == LATEST_VERSION
        assert second.count() == 1
    db = sqlite3.connect(path)
    versions = [r[0] for r in db.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == list(range(1, LATEST_VERSION + 1))
    db.close()


def test_wal_mode_and_foreign_keys(store):
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "m.db"
    Store(path).close()
    broken = Migration(
        LATEST_VERSION + 1,
        "half done",
        ("CREATE TABLE half_done (x INTEGER)", "CREATE TABLE documents (x INTEGER)"),
    )
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, broken))
    monkeypatch.setattr(store_module, "LATEST_VERSION", LATEST_VERSION + 1)
    with pytest.raises(StoreError, match="already exists"):
        Store(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "half_done" not in tables
    db.close()


def test_a_newer_database_is_refused(tmp_path):
    path = tmp_path / "m.db"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer than this marsad"):
        Store(path)


def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("هذا ملف نصي وليس قاعدة بيانات " * 100, encoding="utf-8")
    with pytest.raises(StoreError, match="cannot open database"):
        Store(path)


def test_default_path(monkeypatch, tmp_path):
    monkeypatch.delenv("MARSAD_DB", raising=False)
    assert default_db_path() == Path("marsad.db")
    monkeypatch.setenv("MARSAD_DB", str(tmp_path / "x" / "y.db"))
    assert default_db_path() == tmp_path / "x" / "y.db"
    with Store() as s:  # the folder is created
        assert s.path == tmp_path / "x" / "y.db"
    assert (tmp_path / "x" / "y.db").exists()


# -- documents -----------------------------------------------------------------------------------


def test_duplicate_documents_are_stored_once(store):
    a = doc(UN_TEXT, title="الأمم المتحدة", source="صدى", published=date(2019, 11, 12))
    b = doc("افتتحت البلدية حديقة عامة جديدة في الحي الشرقي.", source="الوادي")
    first = store.add_documents([a, b, a])
    assert first.added == [a.id, b.id] and first.duplicates == [a.id]
    again = Document.create(UN_TEXT + "\n", title="عنوان آخر", source="مصدر آخر")  # same content
    second = store.add_documents([again])
    assert second.added == [] and second.duplicates == [a.id]
    assert store.count() == 2
    stored = store.get_document(a.id)
    assert stored == a  # the first copy, every field round-tripped
    assert len(store.search("الامم المتحده")) == 1


def test_listing_counting_and_paging(store):
    docs = [
        doc(
            f"خبر رقم {i} عن افتتاح مدرسة جديدة.",
            source="أ" if i % 2 else "ب",
            published=date(2020, 1, i + 1) if i < 4 else None,
        )
        for i in range(6)
    ]
    store.add_documents(docs)
    assert store.count() == 6 and store.count(source="أ") == 3
    listed = store.documents(limit=10)
    assert [d.published for d in listed[:4]] == [date(2020, 1, d) for d in (4, 3, 2, 1)]
    assert listed[4].published is None
    assert store.documents(limit=2, offset=2) == listed[2:4]
    assert {d.source for d in store.documents(source="ب")} == {"ب"}
    assert store.sources() == [("أ", 3), ("ب", 3)]
    assert [d.id for d in store.iter_documents(batch=4)] == [d.id for d in docs]
    assert store.get_documents([docs[3].id, "missing", docs[0].id]) == [docs[3], docs[0]]
    assert docs[1].id in store and "missing" not in store
    assert store.get_document("missing") is None


def test_delete_removes_document_everywhere(store):
    a, b = doc(UN_TEXT), doc("اجتمع مجلس الأمن لبحث الأوضاع في المنطقة.")
    store.add_documents([a, b])
    store.save_analysis(a.id, {"claims": []})
    store.set_stories([cluster_documents([(a, {"ORG:الامم المتحده"}, {"قوه"})])[0]])
    assert store.delete_documents([a.id, "missing"]) == 1
    assert store.search("المنظمة الدولية") == []
    assert store.load_analysis(a.id) is None
    assert store.stories()[0].doc_ids == []
    assert [h.doc_id for h in store.search("مجلس الامن")] == [b.id]


# -- search --------------------------------------------------------------------------------------


def test_search_matches_across_hamza_diacritics_ta_marbuta_and_clitics(store):
    un = doc(UN_TEXT, title="الأمم المتحدة وقوتها في لبنان")
    other = doc("ارتفعت أسعار الخضروات في الأسواق المحلية بنسبة ٢٠ في المئة عام ٢٠١٨.")
    store.add_documents([un, other])
    (hit,) = store.search("الامم المتحده")
    assert hit.doc_id == un.id and hit.title == un.title
    # Every highlighted span is original text whose normalised form matches the query.
    assert hit.highlights
    for start, end in hit.highlights:
        assert "امم" in norm(UN_TEXT[start:end])
    assert "[للأمم المتّحدة]" in hit.snippet  # diacritics and the ل+ال clitic, as written
    assert "[الأمم المتحدة]" in hit.snippet
    assert [h.doc_id for h in store.search("أسعار الخضراوات OR الخضروات")] == [other.id]
    assert [h.doc_id for h in store.search("2018")] == [other.id]  # Arabic-Indic digits
    assert [h.doc_id for h in store.search("المؤقته")] == [un.id]


def test_search_query_language(store):
    a = doc("وصل وزير الخارجية إلى القاهرة في زيارة رسمية تستمر يومين.", source="صدى")
    b = doc("استقبل وزير الداخلية وفداً أمنياً في القاهرة لبحث التعاون.", source="الوادي")
    c = doc("أعلنت وزارة الخارجية عن خطة لتبسيط إجراءات التأشيرات.", source="صدى")
    store.add_documents([a, b, c])
    ids = lambda q, **kw: {h.doc_id for h in store.search(q, **kw)}  # noqa: E731
    assert ids("وزير القاهرة") == {a.id, b.id}
    assert ids('"وزير الخارجية"') == {a.id}  # phrase
    assert ids("القاهرة -الداخلية") == {a.id}  # exclusion
    assert ids("الخارج*") == {a.id, c.id}  # prefix
    assert ids("الداخلية OR التأشيرات") == {b.id, c.id}
    assert ids("القاهرة", source="الوادي") == {b.id}
    # FTS5 syntax typed by a user is just words here.
    assert ids("وزير AND NOT NEAR(") == set()
    assert ids("زيارة: رسمية") == {a.id}


def test_title_matches_rank_first(store):
    in_title = doc("نص قصير عن الطقس.", title="مهرجان الزيتون السنوي")
    in_text = doc("أقيم في القرية مهرجان للزيتون شارك فيه المزارعون، وعرضوا زيت الزيتون البلدي.")
    store.add_documents([in_text, in_title])
    assert [h.doc_id for h in store.search("الزيتون")][0] == in_title.id


@pytest.mark.parametrize("query", ['"الأمم المتحدة', "", "   ", "!!! ؟؟", "OR", "*", '""'])
def test_bad_query_gives_store_error(store, query):
    store.add_documents([doc(UN_TEXT)])
    with pytest.raises(StoreError) as raised:
        store.search(query)
    assert isinstance(raised.value, ValueError)  # SearchQueryError is also a ValueError
    assert isinstance(raised.value, SearchQueryError)
    assert "\n" not in str(raised.value) and str(raised.value)


def test_snippet_marks_and_window(store):
    long_text = "كلمة عادية " * 200 + "ثم ذكرت الأمم المتحدة في وسط النص " + "وكلام آخر " * 200
    d = doc(long_text)
    store.add_documents([d])
    (hit,) = store.search("الأمم المتحدة", mark=("<b>", "</b>"))
    assert "<b>الأمم المتحدة</b>" in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) < 400
    assert hit.snippet_start < hit.highlights[0][0] < hit.snippet_end


def test_index_is_rebuilt_when_the_key_function_changes(tmp_path, monkeypatch):
    path = tmp_path / "k.db"
    with Store(path) as s:
        s.add_documents([doc(UN_TEXT)])
        s._db.execute("INSERT INTO documents_fts (documents_fts) VALUES ('delete-all')")
        assert s.search("الامم") == []  # index lost
    monkeypatch.setattr(store_module, "KEYS_VERSION", "changed")
    with Store(path) as s:
        assert len(s.search("الامم")) == 1
        assert s._read("SELECT value FROM meta")[0][0] == "changed"


def test_store_is_usable_from_another_thread(store):
    store.add_documents([doc(UN_TEXT)])
    found: list[int] = []
    worker = threading.Thread(target=lambda: found.append(len(store.search("لبنان"))))
    worker.start()
    worker.join()
    assert found == [1]


# -- analyses ------------------------------------------------------------------------------------


def test_save_and_load_analysis(store):
    d = doc(UN_TEXT)
    store.add_documents([d])
    assert store.unanalysed_ids() == [d.id]
    payload = {"mentions": [{"start": 29, "end": 35, "text": "الأمم", "type": "ORG"}], "n": 1}
    store.save_analysis(d.id, payload)
    assert store.load_analysis(d.id) == payload
    store.save_analysis(d.id, {"mentions": []})  # replaced
    assert store.load_analysis(d.id) == {"mentions": []}
    assert store.unanalysed_ids() == []
    assert store.load_analysis("missing") is None
    with pytest.raises(StoreError, match="no stored document"):
        store.save_analysis("missing", {})
    with pytest.raises(StoreError, match="not JSON-serialisable"):
        store.save_analysis(d.id, {"when": date(2019, 1, 1)})
    assert store.load_analysis(d.id) == {"mentions": []}


# -- stories -------------------------------------------------------------------------------------


def _reports() -> list[tuple[Document, set[str], set[str]]]:
    un = {"ORG:الامم المتحده", "ORG:يونيفيل", "GPE:لبنان"}
    boat = {"GPE:تونس", "LOC:صفاقس"}
    return [
        (
            doc(
                "قائد اليونيفيل يبحث الوضع على الخط الأزرق.",
                "قائد اليونيفيل",
                "صدى",
                date(2019, 11, 12),
            ),
            un,
            {"قائد", "يونيفيل", "خط", "ازرق", "جيش", "محادثات"},
        ),
        (
            doc(
                "محادثات بين اليونيفيل والجيش اللبناني حول الخط الأزرق.",
                "",
                "الوادي",
                date(2019, 11, 13),
            ),
            un,
            {"يونيفيل", "جيش", "خط", "ازرق", "محادثات", "جنوب"},
        ),
        (
            doc("غرق قارب مهاجرين قبالة صفاقس.", "غرق قارب", "صدى", date(2019, 11, 24)),
            boat,
            {"غرق", "قارب", "مهاجر", "حرس", "بحري"},
        ),
        (
            doc("مصرع مهاجرين في غرق مركب قبالة صفاقس.", "", "آفاق", date(2019, 11, 25)),
            boat,
            {"غرق", "مركب", "مهاجر", "حرس", "بحري"},
        ),
        # Same entities as the first story, but a month later: a new story.
        (
            doc("اليونيفيل تحتفل بذكرى تأسيسها في جنوب لبنان.", "", "المنارة", date(2019, 12, 20)),
            un,
            {"يونيفيل", "جيش", "خط", "ازرق", "احتفال"},
        ),
    ]


def test_clustering_groups_by_entities_terms_and_time():
    items = _reports()
    stories = cluster_documents(items, window_days=3)
    groups = [s.doc_ids for s in stories]
    ids = [it[0].id for it in items]
    assert groups == [[ids[0], ids[1]], [ids[2], ids[3]], [ids[4]]]
    first = stories[0]
    assert first.id == story_id(ids[0])
    assert (first.first, first.last, first.title) == ("2019-11-12", "2019-11-13", "قائد اليونيفيل")
    assert stories[2].title.startswith("اليونيفيل تحتفل")  # no title: the text's first words


def test_clustering_does_not_depend_on_input_order():
    items = _reports()
    forward = cluster_documents(items)
    backward = cluster_documents(list(reversed(items)))
    assert [(s.id, s.doc_ids) for s in forward] == [(s.id, s.doc_ids) for s in backward]


def test_clustering_is_incremental_and_ids_are_stable():
    items = _reports()
    clusterer = StoryClusterer(window_days=3)
    first_id = clusterer.add(*items[0])
    assert clusterer.add(*items[1]) == first_id  # joins the story
    assert clusterer.add(*items[2]) != first_id
    assert [s.id for s in clusterer.stories()][0] == first_id


def test_unrelated_documents_stay_apart():
    a = doc("نص أول.", published=date(2020, 1, 1))
    b = doc("نص ثان.", published=date(2020, 1, 1))
    stories = cluster_documents(
        [(a, {"PER:سمير"}, {"مدرسه", "افتتاح"}), (b, {"PER:ليلى"}, {"سوق"})]
    )
    assert len(stories) == 2


def test_set_and_read_stories(store):
    items = _reports()
    store.add_documents([it[0] for it in items])
    stories = cluster_documents(items)
    store.set_stories(stories)
    assert store.stories() == sorted(stories, key=lambda s: s.last, reverse=True)
    assert store.story(stories[0].id) == stories[0]
    assert store.story("missing") is None
    assert store.stories_of(items[0][0].id) == [stories[0].id]
    # A story naming a document that is not stored: refused, stored stories kept.
    bad = type(stories[0])("bad", [items[0][0].id, "missing"], "قصة")
    with pytest.raises(StoreError, match="no stored document missing"):
        store.set_stories([bad])
    assert len(store.stories()) == 3
    store.set_stories(stories[:1])  # replaces all
    assert [s.id for s in store.stories()] == [stories[0].id]
    store.set_stories(stories[1:], replace=False)  # adds
    assert len(store.stories()) == 3


def test_fixture_corpus_round_trip(store):
    docs = [d for d in read_paths([FIXTURES]) if isinstance(d, Document)]
    result = store.add_documents(docs)
    assert len(result.added) == len(docs) == store.count()
    assert [h.title for h in store.search("تحلية مياه البحر")] == [
        "افتتاح محطة تحلية جديدة على الساحل الشرقي"
    ]
