"""The REST API and the web pages, over a temporary store holding the bundled sample stories
and a hostile report (markup in its title and text)."""

from __future__ import annotations

import gzip
import json
import shutil
import warnings
from collections import Counter
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from marsad.api.app import create_app
from marsad.api.i18n import STRINGS
from marsad.api.serve import ServeError, is_loopback, serve
from marsad.brief.serialise import validate_brief
from marsad.demo import sample_story_paths
from marsad.ingest import read_paths
from marsad.service import IngestSession
from marsad.store import Store
from marsad.text.normalise import norm

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = FIXTURES / "web" / "hostile.txt"
PAYLOAD = "<script>window.__pwned=1</script>"

NEW_REPORT = (
    "عمّان - 4 كانون الأول/ديسمبر 2019 - قالت وزارة الصحة الأردنية إن حملة التطعيم ضد الحصبة "
    "شملت في يومها الأول أكثر من مئة ألف طفل في المدارس والمراكز الصحية. وأضافت الوزارة أن "
    "الإقبال فاق التوقعات في محافظات الشمال."
)


def sample_paths() -> list[Path]:
    return [p for paths in sample_story_paths().values() for p in paths]


@pytest.fixture(scope="module")
def template_db(tmp_path_factory) -> Path:
    """A store with every sample report and the hostile one, built once per module."""
    path = tmp_path_factory.mktemp("store") / "template.db"
    with Store(path) as store, IngestSession(store) as session:
        for item in read_paths([*sample_paths(), HOSTILE]):
            session.add(item)
        session.flush()
        session.rebuild_stories()
    return path


@pytest.fixture(scope="module")
def client(template_db, tmp_path_factory) -> TestClient:
    """Read-only tests share one app (and its brief cache)."""
    path = tmp_path_factory.mktemp("shared") / "shared.db"
    shutil.copy(template_db, path)
    return TestClient(create_app(path), raise_server_exceptions=False)


@pytest.fixture
def fresh(template_db, tmp_path):
    """A private copy of the store, for tests that write; returns (client, db path)."""
    path = tmp_path / "fresh.db"
    shutil.copy(template_db, path)
    return TestClient(create_app(path), raise_server_exceptions=False), path


def snapshot(path: Path) -> tuple:
    """Everything a failed request must leave alone: documents, analyses and stories."""
    with Store(path) as store:
        docs = sorted(d.id for d in store.iter_documents())
        stories = sorted((s.id, tuple(s.doc_ids)) for s in store.stories())
        analysed = [d for d in docs if store.load_analysis(d) is not None]
    return docs, stories, analysed


def assert_problem(response, status: int, *words: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    assert "Traceback" not in response.text
    for word in words:
        assert word in body["detail"], body["detail"]
    return body


# -- OpenAPI, errors, headers ---------------------------------------------------------------


def test_openapi_lists_every_endpoint_and_no_external_docs(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/v1/documents",
        "/api/v1/documents/{doc_id}",
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
        "/api/v1/stories/{story_id}/brief",
        "/api/v1/entities",
        "/api/v1/entities/{entity_id}",
        "/api/v1/search",
        "/api/v1/compare",
    ):
        assert path in paths, path
    assert "post" in paths["/api/v1/documents"] and "post" in paths["/api/v1/compare"]
    assert not any(p.startswith("/stories") or p == "/" for p in paths)  # web pages left out
    for docs in ("/docs", "/redoc", "/api/v1/docs"):
        assert client.get(docs).status_code == 404


def test_security_headers_forbid_inline_and_external_resources(client):
    csp = client.get("/").headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert client.get("/api/v1/stories").headers["x-content-type-options"] == "nosniff"


def test_unknown_routes_and_methods_are_problems(client):
    assert_problem(client.get("/api/v1/nothing"), 404, "/api/v1/nothing")
    assert_problem(client.delete("/api/v1/stories"), 405, "DELETE")


# -- documents ------------------------------------------------------------------------------


def test_documents_are_paginated_with_total_and_next_links(client, template_db):
    with Store(template_db) as store:
        every = {d.id for d in store.iter_documents()}
    seen: list[str] = []
    url = "/api/v1/documents?limit=4"
    while url:
        page = client.get(url).json()
        assert page["total"] == len(every)
        assert len(page["items"]) <= 4
        seen += [d["id"] for d in page["items"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) and set(seen) == every
    dates = [d["published"] for d in client.get("/api/v1/documents?limit=100").json()["items"]]
    known = [d for d in dates if d]
    assert known == sorted(known, reverse=True)  # newest first


def test_one_document_has_its_exact_text_and_stories(client, template_db):
    first = client.get("/api/v1/documents?limit=1").json()["items"][0]
    doc = client.get(first["links"]["self"]).json()
    with Store(template_db) as store:
        stored = store.get_document(first["id"])
        assert doc["text"] == stored.text
        assert doc["stories"] == store.stories_of(first["id"])
    assert_problem(client.get("/api/v1/documents/ffffffffffffffff"), 404, "ffffffffffffffff")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=-1", "limit"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("offset=-3", "offset"),
        ("limit=ten", "limit"),
    ],
)
def test_bad_pagination_names_the_field(client, query, field):
    body = assert_problem(client.get(f"/api/v1/documents?{query}"), 422, field)
    assert body["errors"][0]["field"] == field


def test_post_json_report_is_stored_analysed_and_clustered(fresh):
    app, path = fresh
    before = snapshot(path)
    payload = {
        "text": NEW_REPORT,
        "title": "إقبال على حملة الحصبة",
        "source": "الرأي",
        "published": "2019-12-04",
    }
    r = app.post("/api/v1/documents", json=payload)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["added"] == 1 and body["rejected"] == 0
    new_id = body["files"][0]["added"][0]
    after = snapshot(path)
    assert set(after[0]) - set(before[0]) == {new_id}
    assert new_id in after[2]  # analysed
    assert any(new_id in docs for _, docs in after[1])  # placed in a story
    doc = app.get(f"/api/v1/documents/{new_id}").json()
    assert doc["source"] == "الرأي" and doc["published"] == "2019-12-04"
    again = app.post("/api/v1/documents", json=payload)
    assert again.status_code == 200 and again.json()["duplicates"] == 1
    assert snapshot(path) == after


def test_post_multipart_reports_each_file(fresh):
    app, path = fresh
    before = snapshot(path)
    files = [
        (
            "files",
            ("article.html", (FIXTURES / "ingest/html/article.html").read_bytes(), "text/html"),
        ),
        (
            "files",
            (
                "articles.jsonl",
                (FIXTURES / "ingest/jsonl/articles.jsonl").read_bytes(),
                "application/x-ndjson",
            ),
        ),
        (
            "files",
            ("news.rss", (FIXTURES / "ingest/feeds/news.rss").read_bytes(), "application/rss+xml"),
        ),
        (
            "files",
            ("latin1.txt", "تقرير".encode()[:3] + "café".encode("latin-1"), "text/plain"),
        ),
        ("files", ("again.txt", sample_paths()[0].read_bytes(), "text/plain")),
    ]
    r = app.post("/api/v1/documents", files=files)
    assert r.status_code == 201, r.text
    report = {f["name"]: f for f in r.json()["files"]}
    assert len(report["article.html"]["added"]) == 1
    assert len(report["articles.jsonl"]["added"]) >= 2
    assert report["news.rss"]["added"]
    assert report["latin1.txt"]["rejected"] and not report["latin1.txt"]["added"]
    assert "latin1.txt" in report["latin1.txt"]["rejected"][0]
    assert report["again.txt"]["duplicates"] and not report["again.txt"]["added"]
    body = r.json()
    assert body["summary"].startswith(f"added {body['added']}, duplicate 1, rejected")
    added = {i for f in report.values() for i in f["added"]}
    assert set(snapshot(path)[0]) == set(before[0]) | added


def test_non_utf8_upload_is_rejected_and_nothing_changes(fresh):
    app, path = fresh
    before = snapshot(path)
    data = "تقرير عن الانتخابات".encode("cp1256")
    r = app.post("/api/v1/documents", files=[("files", ("windows.txt", data, "text/plain"))])
    body = assert_problem(r, 422, "windows.txt")
    assert body["files"][0]["rejected"]
    assert snapshot(path) == before


def test_oversized_upload_is_413_and_nothing_changes(template_db, tmp_path):
    path = tmp_path / "small.db"
    shutil.copy(template_db, path)
    app = TestClient(create_app(path, max_request_bytes=50_000), raise_server_exceptions=False)
    before = snapshot(path)
    big = ("خبر " * 20_000).encode()
    r = app.post("/api/v1/documents", files=[("files", ("big.txt", big, "text/plain"))])
    body = assert_problem(r, 413, "limit")
    assert body["limit"] == 50_000

    def chunks():  # no Content-Length: the limit is enforced while reading
        for _ in range(10):
            yield b"x" * 10_000

    r = app.post(
        "/api/v1/documents", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_problem(r, 413, "limit")
    r = app.post("/compare", files=[("files", ("big.txt", big, "text/plain"))])
    assert r.status_code == 413
    assert snapshot(path) == before


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"title": "بلا نص"}, 422, ["text"]),
        ({"text": ""}, 422, ["text"]),
        ({"text": NEW_REPORT, "published": "2019-02-30"}, 422, ["published"]),
        ({"text": NEW_REPORT, "colour": "red"}, 422, ["colour"]),
        ({"documents": []}, 422, ["documents"]),
        ({"documents": [{"text": NEW_REPORT}, {"txt": "x"}]}, 422, ["documents[1]"]),
    ],
)
def test_bad_json_reports_name_the_field(fresh, body, status, words):
    app, path = fresh
    before = snapshot(path)
    assert_problem(app.post("/api/v1/documents", json=body), status, *words)
    assert snapshot(path) == before


def test_unreadable_bodies_are_clear_problems(fresh):
    app, path = fresh
    before = snapshot(path)
    headers = {"content-type": "application/json"}
    assert_problem(
        app.post("/api/v1/documents", content=b"{not json", headers=headers), 400, "JSON"
    )
    assert_problem(app.post("/api/v1/documents", content=b"\xff\xfe{}", headers=headers), 400)
    assert_problem(app.post("/api/v1/documents", content=b"", headers=headers), 422, "empty")
    r = app.post("/api/v1/documents", content=b"hello", headers={"content-type": "text/plain"})
    assert_problem(r, 415, "multipart")
    assert_problem(app.post("/api/v1/documents", files={"other": ("a.txt", b"")}), 422, "nothing")
    assert snapshot(path) == before


def test_cross_site_writes_are_refused(fresh):
    app, path = fresh
    before = snapshot(path)
    r = app.post(
        "/api/v1/documents",
        json={"text": NEW_REPORT},
        headers={"origin": "http://evil.example", "sec-fetch-site": "cross-site"},
    )
    assert_problem(r, 403, "cross-site")
    assert snapshot(path) == before
    r = app.post(
        "/ingest",
        files=[("files", ("a.txt", NEW_REPORT.encode(), "text/plain"))],
        headers={"origin": "null"},
    )
    assert r.status_code == 403 and snapshot(path) == before
    # A browser's own form, sent with Referrer-Policy in force, may carry Origin: null.
    same = app.post(
        "/api/v1/documents",
        json={"text": NEW_REPORT},
        headers={"origin": "null", "sec-fetch-site": "same-origin"},
    )
    assert same.status_code == 201
    other = app.post(
        "/api/v1/documents",
        json={"text": NEW_REPORT + " ."},
        headers={"origin": "http://testserver"},
    )
    assert other.status_code == 201


def test_unknown_host_header_is_refused_when_hosts_are_restricted(template_db):
    app = TestClient(create_app(template_db, allowed_hosts={"127.0.0.1", "localhost"}))
    assert app.get("/api/v1/stories", headers={"host": "127.0.0.1:8000"}).status_code == 200
    assert_problem(app.get("/api/v1/stories", headers={"host": "attacker.example"}), 400, "host")


# -- stories and briefs ---------------------------------------------------------------------


def test_story_list_figures_match_the_validated_brief(client, template_db):
    page = client.get("/api/v1/stories?limit=100").json()
    with Store(template_db) as store:
        assert page["total"] == len(store.stories())
    lasts = [s["last"] for s in page["items"] if s["last"]]
    assert lasts == sorted(lasts, reverse=True)
    multi = [s for s in page["items"] if len(s["documents"]) > 1]
    assert multi, "the samples hold stories with several reports"
    for story in multi:
        brief = client.get(story["links"]["brief"]).json()
        validate_brief(brief)
        verdicts = Counter(a["verdict"] for a in brief["alignments"])
        stats = story["stats"]
        assert stats["agreements"] == verdicts["agree"] + verdicts["partial"]
        assert (
            stats["disagreements"]
            == verdicts["conflict"] + verdicts["update"] + verdicts["unclear"]
        )
        assert stats["additions"] == len(set(brief["unique"]))
        assert stats["reports"] == len(brief["documents"]) == len(story["documents"])
        assert {d["id"] for d in brief["documents"]} == {d["id"] for d in story["documents"]}
        for claim in brief["claims"]:  # every quote points at its exact words
            text = next(d["text"] for d in brief["documents"] if d["id"] == claim["doc"])
            assert text[claim["start"] : claim["end"]] == claim["text"]


def test_one_story_and_its_brief_without_texts(client):
    story = client.get("/api/v1/stories?limit=1").json()["items"][0]
    one = client.get(f"/api/v1/stories/{story['id']}").json()
    assert one["id"] == story["id"] and one["documents"] == story["documents"]
    brief = client.get(f"/api/v1/stories/{story['id']}/brief?text=false").json()
    assert brief["schema"] == "marsad.brief/1"
    assert all("text" not in d for d in brief["documents"])
    validate_brief(brief)


def test_unknown_story_is_404(client):
    assert_problem(client.get("/api/v1/stories/nope"), 404, "nope")
    assert_problem(client.get("/api/v1/stories/nope/brief"), 404, "nope")
    assert client.get("/stories/nope").status_code == 404


def test_story_filters_by_entity_and_date(client):
    every = client.get("/api/v1/stories?limit=100&stats=false").json()
    entity = client.get("/api/v1/entities?type=GPE&limit=1").json()["items"][0]
    by_entity = client.get(f"/api/v1/stories?limit=100&stats=false&entity={entity['id']}").json()
    assert 0 < by_entity["total"] <= every["total"]
    detail = client.get(entity["links"]["self"]).json()
    assert {s["id"] for s in by_entity["items"]} == {s["id"] for s in detail["stories"]}
    by_name = client.get(
        "/api/v1/stories", params={"entity": entity["name"], "stats": "false", "limit": 100}
    ).json()
    assert {s["id"] for s in by_entity["items"]} <= {s["id"] for s in by_name["items"]}

    dated = sorted(s["first"] for s in every["items"] if s["first"])
    cut = dated[len(dated) // 2]
    later = client.get(f"/api/v1/stories?limit=100&stats=false&from={cut}").json()["items"]
    assert later and all(s["last"] >= cut for s in later)
    earlier = client.get(f"/api/v1/stories?limit=100&stats=false&to={cut}").json()["items"]
    assert earlier and all(s["first"] <= cut for s in earlier)
    assert_problem(client.get("/api/v1/stories?from=2019-13-01"), 422, "from")


def test_briefs_are_cached_per_story_and_documents(client):
    app_state = client.app.state.marsad
    story = app_state.all_stories()[0]
    first = app_state.briefs.get(app_state.store, story)
    assert app_state.briefs.get(app_state.store, story) is first


# -- entities -------------------------------------------------------------------------------


def test_entities_page_filter_and_provenance(client, template_db):
    page = client.get("/api/v1/entities?limit=5").json()
    counts = [e["mentions"] for e in page["items"]]
    assert counts == sorted(counts, reverse=True) and page["total"] >= 5
    people = client.get("/api/v1/entities?type=PER&limit=100").json()["items"]
    assert people and all(e["type"] == "PER" for e in people)
    detail = client.get(people[0]["links"]["self"]).json()
    assert people[0]["name"] in detail["names"]
    with Store(template_db) as store:
        for m in detail["mention_spans"]:
            assert store.get_document(m["doc"]).text[m["start"] : m["end"]] == m["text"]
    assert sum(row["count"] for row in detail["mentions_by"]) == detail["mentions"]
    assert detail["stories"]
    named = client.get("/api/v1/entities", params={"q": people[0]["name"]}).json()["items"]
    assert people[0]["id"] in [e["id"] for e in named]
    assert_problem(client.get("/api/v1/entities/000000000000"), 404, "000000000000")
    assert_problem(client.get("/api/v1/entities?type=P-R"), 422, "type")


def test_entity_titles_over_time_are_exact_spans_oldest_first(client, template_db):
    people = client.get("/api/v1/entities?type=PER&limit=100").json()["items"]
    details = [client.get(p["links"]["self"]).json() for p in people]
    titled = [d for d in details if d["attributes"]]
    assert titled, "the samples name people with titles and ranks"
    with Store(template_db) as store:
        for detail in titled:
            dates = [a["date"] for a in detail["attributes"] if a["date"]]
            assert dates == sorted(dates)
            for a in detail["attributes"]:
                assert store.get_document(a["doc"]).text[a["start"] : a["end"]] == a["text"]


# -- search ---------------------------------------------------------------------------------


def test_search_matches_spelling_variants_and_highlights_exact_spans(client, template_db):
    r = client.get("/api/v1/search", params={"q": "الامم المتحده"}).json()
    assert r["total"] >= 1 and r["items"]
    with Store(template_db) as store:
        for hit in r["items"]:
            text = store.get_document(hit["doc_id"]).text
            assert text[hit["snippet_start"] : hit["snippet_end"]] == hit["snippet"]
            assert hit["highlights"]
            for start, end in hit["highlights"]:
                assert "امم" in norm(text[start:end]) or "متحد" in norm(text[start:end])
    assert "<mark>" in r["items"][0]["snippet_html"]


def test_search_escapes_report_markup(client):
    r = client.get("/api/v1/search", params={"q": "الوسم"}).json()
    hit = r["items"][0]
    assert "<img" in hit["snippet"]
    assert "<img" not in hit["snippet_html"] and "&lt;img" in hit["snippet_html"]
    page = client.get("/search", params={"q": "الوسم"})
    assert "&lt;img src=x" in page.text and "<img src=x" not in page.text
    assert "<mark>والوسم</mark>" in page.text  # the whole word, conjunction included


def test_malformed_search_is_a_400_naming_the_problem(client, template_db):
    before = snapshot(template_db)
    body = assert_problem(client.get("/api/v1/search", params={"q": '"abc'}), 400, "quotation")
    assert body["errors"][0]["field"] == "q"
    assert_problem(client.get("/api/v1/search", params={"q": ""}), 422, "q")
    assert_problem(client.get("/api/v1/search"), 422, "q")
    assert_problem(client.get("/api/v1/search", params={"q": "!!!"}), 400, "no words")
    page = client.get("/search", params={"q": '"abc'})
    assert page.status_code == 400 and "quotation" in page.text
    assert snapshot(template_db) == before


# -- compare --------------------------------------------------------------------------------


def _reports_of_one_story() -> list[Path]:
    return max(sample_story_paths().values(), key=len)


def test_compare_json_is_not_stored_unless_asked(fresh):
    app, path = fresh
    before = snapshot(path)
    docs = [
        {"text": NEW_REPORT, "source": "الرأي", "published": "2019-12-04"},
        {
            "text": NEW_REPORT.replace("أكثر من مئة ألف", "نحو تسعين ألف"),
            "source": "الغد",
            "published": "2019-12-04",
        },
    ]
    r = app.post("/api/v1/compare", json={"documents": docs})
    assert r.status_code == 200, r.text
    brief = r.json()
    validate_brief(brief)
    assert len(brief["documents"]) == 2 and brief["alignments"]
    assert "stored" not in brief
    assert snapshot(path) == before
    stored = app.post("/api/v1/compare", json={"documents": docs, "store": True}).json()
    assert stored["stored"]["added"] == 2
    assert set(snapshot(path)[0]) == set(before[0]) | {d["id"] for d in stored["documents"]}


def test_compare_multipart_files(fresh):
    app, path = fresh
    before = snapshot(path)
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in _reports_of_one_story()]
    r = app.post("/api/v1/compare", files=files)
    assert r.status_code == 200, r.text
    brief = r.json()
    validate_brief(brief)
    assert len(brief["documents"]) == len(files)
    assert brief["stats"]["reports"] == len(files)
    assert snapshot(path) == before


def test_compare_needs_two_distinct_reports(fresh):
    app, path = fresh
    before = snapshot(path)
    one = {"text": NEW_REPORT}
    assert_problem(app.post("/api/v1/compare", json={"documents": [one]}), 422, "documents")
    assert_problem(app.post("/api/v1/compare", json={"documents": [one, one]}), 422, "two distinct")
    bad = [
        ("files", ("a.txt", "خبر عاجل".encode("cp1256"), "text/plain")),
        ("files", ("b.txt", NEW_REPORT.encode(), "text/plain")),
    ]
    assert_problem(app.post("/api/v1/compare", files=bad), 422, "a.txt")
    assert snapshot(path) == before


# -- web pages ------------------------------------------------------------------------------


def test_web_pages_render_in_arabic_rtl_then_english(template_db, tmp_path):
    path = tmp_path / "web.db"
    shutil.copy(template_db, path)
    web = TestClient(create_app(path))
    story = web.get("/api/v1/stories?limit=1&stats=false").json()["items"][0]
    entity = web.get("/api/v1/entities?limit=1").json()["items"][0]
    doc = story["documents"][0]
    pages = [
        "/",
        "/stories",
        f"/stories/{story['id']}",
        "/entities",
        f"/entities/{entity['id']}",
        "/search?q=صفاقس",
        "/compare",
        "/ingest",
        f"/documents/{doc['id']}?start=0&end=5",
    ]
    for url in pages:
        r = web.get(url)
        assert r.status_code == 200, url
        assert '<html lang="ar" dir="rtl">' in r.text, url
        assert STRINGS["ar"]["nav_stories"] in r.text
    r = web.get("/?lang=en")
    assert '<html lang="en" dir="ltr">' in r.text and "marsad_lang=en" in r.headers["set-cookie"]
    assert '<html lang="en" dir="ltr">' in web.get(f"/stories/{story['id']}").text  # remembered
    assert STRINGS["en"]["nav_stories"] in web.get("/entities").text
    web.get("/?lang=ar")
    assert 'dir="rtl"' in web.get("/entities").text
    missing = web.get("/stories/unknown")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]


def test_story_page_shows_hostile_text_as_text(client, template_db):
    with Store(template_db) as store:
        hostile = next(d for d in store.iter_documents() if PAYLOAD in d.text)
        story_id = store.stories_of(hostile.id)[0]
    html = client.get(f"/stories/{story_id}").text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert PAYLOAD not in html and "<img src=x" not in html
    assert "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=&quot;", "")
    doc_page = client.get(f"/documents/{hostile.id}").text
    assert "&lt;img src=x" in doc_page and "<img src=x" not in doc_page


def test_story_page_shows_claims_side_by_side_with_verdicts(client):
    stories = client.get("/api/v1/stories?limit=100").json()["items"]
    story = max(stories, key=lambda s: s["stats"]["agreements"] + s["stats"]["disagreements"])
    brief = client.get(story["links"]["brief"]).json()
    html = client.get(f"/stories/{story['id']}").text
    for verdict in {a["verdict"] for a in brief["alignments"]}:
        assert f'data-verdict="{verdict}"' in html
    assert html.count('class="source"') == len(brief["documents"])
    assert html.count('tabindex="0"') >= len(brief["unique"])
    assert 'role="tooltip"' in html
    for d in brief["documents"]:
        assert d["source"] in html


def test_web_compare_does_not_store_unless_checked(fresh):
    app, path = fresh
    before = snapshot(path)
    extra = "\n\nوأكد مراسلنا أن الوضع بقي هادئاً حتى المساء."
    texts = [p.read_text(encoding="utf-8") + extra for p in _reports_of_one_story()[:2]]
    form = {"text_1": texts[0], "source_1": "أ", "text_2": texts[1], "source_2": "ب"}
    r = app.post("/compare", data=form)
    assert r.status_code == 200 and 'class="matrix' in r.text
    assert snapshot(path) == before
    r = app.post("/compare", data={**form, "store": "1"})
    assert r.status_code == 200 and 'id="ingest-report"' in r.text
    assert len(snapshot(path)[0]) == len(before[0]) + 2
    lonely = app.post("/compare", data={"text_1": texts[0]})
    assert lonely.status_code == 422 and STRINGS["ar"]["compare_need_two"] in lonely.text


def test_web_ingest_reports_each_file(fresh):
    app, path = fresh
    files = [
        ("files", ("new.txt", NEW_REPORT.encode(), "text/plain")),
        ("files", ("bad.txt", "خبر".encode("cp1256"), "text/plain")),
        (
            "files",
            (
                "feed.atom.gz",
                gzip.compress((FIXTURES / "ingest/feeds/environment.atom").read_bytes()),
                "application/gzip",
            ),
        ),
    ]
    r = app.post("/ingest", files=files, data={"source": "مصدر"})
    assert r.status_code == 200
    assert "new.txt" in r.text and "bad.txt" in r.text and "feed.atom.gz" in r.text
    assert 'class="bad"' in r.text
    stored = json.loads(app.get("/api/v1/documents?source=مصدر&limit=100").text)
    assert stored["total"] >= 2


# -- serve ----------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_loopback_hosts(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.org"])
def test_serve_refuses_remote_hosts_without_allow_remote(host, tmp_path):
    assert not is_loopback(host)
    with pytest.raises(ServeError, match="allow-remote"):
        serve(host, 8000, tmp_path / "x.db", allow_remote=False)
    assert not (tmp_path / "x.db").exists()


def test_ui_strings_exist_in_both_languages():
    assert STRINGS["ar"].keys() == STRINGS["en"].keys()
    assert all(STRINGS["ar"][k] and STRINGS["en"][k] for k in STRINGS["ar"])


def test_summary_lists_a_shared_claim_once_with_all_its_sources():
    from marsad.api.briefs import consolidated_summary
    from marsad.model import Alignment, Brief, Claim, Document

    texts = [
        "تولى الجنرال أرولدو لاثارو قيادة اليونيفيل. وزار القائد بلدة الناقورة.",
        "الجنرال لاثارو يتولى قيادة القوة الدولية.",
        "يقود الجنرال لاثارو قوة اليونيفيل منذ عام 2022.",
    ]
    docs = [Document.create(t, source=f"s{i}") for i, t in enumerate(texts)]

    def claim(doc: Document, start: int, end: int) -> Claim:
        return Claim(f"{doc.id}:{start}", doc.id, start, end, doc.text[start:end])

    lead, visit = claim(docs[0], 0, 44), claim(docs[0], 45, len(texts[0]))
    second, third = claim(docs[1], 0, len(texts[1])), claim(docs[2], 0, len(texts[2]))
    brief = Brief(
        documents=docs,
        entities=[],
        claims=[lead, visit, second, third],
        alignments=[
            Alignment([lead.id, second.id], "agree", "", 0.9),
            Alignment([lead.id, third.id], "partial", "", 0.7),
            Alignment([visit.id, third.id], "conflict", "", 0.5),
        ],
        unique=[],
        timeline=[],
    )
    summary = consolidated_summary(brief)
    assert [item.claim.id for item in summary] == [lead.id]
    assert summary[0].support == [d.id for d in docs]
    assert docs[0].text[summary[0].claim.start : summary[0].claim.end] == summary[0].claim.text

    alone = Brief([docs[0]], [], [visit, lead], [], [lead.id, visit.id], [])
    assert [i.claim.id for i in consolidated_summary(alone)] == [lead.id, visit.id]
