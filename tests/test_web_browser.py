"""The story page in a real browser: headless Chromium through Playwright, against uvicorn
on a loopback port. Right-to-left, verdicts visible, hostile report text inert, no request
leaving 127.0.0.1, and a screenshot for the docs."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from marsad.demo import sample_story_paths
from marsad.ingest import read_paths
from marsad.service import IngestSession
from marsad.store import Store

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
HOSTILE = Path(__file__).parent / "fixtures" / "web" / "hostile.txt"
SCREENSHOT = ROOT / "docs" / "screenshot-story.png"
PAYLOAD = "<script>window.__pwned=1</script>"
IMG_PAYLOAD = '<img src=x onerror="window.__pwned=2">'
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)
if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """uvicorn on 127.0.0.1 over a store with the Sfax story and the hostile report."""
    import uvicorn

    from marsad.api.app import create_app
    from marsad.api.serve import allowed_host_headers

    db = tmp_path_factory.mktemp("browser") / "browser.db"
    story_files = sample_story_paths()["sfax-boat-capsize"]
    with Store(db) as store, IngestSession(store) as session:
        for item in read_paths([*story_files, HOSTILE]):
            session.add(item)
        session.flush()
        session.rebuild_stories()
        hostile = next(d for d in store.iter_documents() if PAYLOAD in d.text)
        story_id = store.stories_of(hostile.id)[0]
        story_docs = store.story(story_id).doc_ids
    port = free_port()
    app = create_app(db, allowed_hosts=allowed_host_headers("127.0.0.1", port))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield {"base": f"http://127.0.0.1:{port}", "story": story_id, "docs": story_docs}
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1366, "height": 900},
            locale="ar",
        )
        try:
            yield context.new_page()
        finally:
            context.close()


def test_story_page_in_chromium(server, browser_page):
    page = browser_page
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    response = page.goto(f"{server['base']}/stories/{server['story']}", wait_until="networkidle")
    assert response is not None and response.status == 200

    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"

    # One column per report, aligned claims in verdict-coloured rows, all visible.
    assert page.locator("th.source").count() == len(server["docs"])
    rows = page.locator("tr.row[data-verdict]")
    assert rows.count() >= 1
    verdicts = {rows.nth(i).get_attribute("data-verdict") for i in range(rows.count())}
    assert verdicts <= {"agree", "partial", "conflict", "update", "unclear"}
    first_row = rows.first
    assert first_row.is_visible()
    colour = first_row.locator("th.verdict").evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    assert page.locator("#additions .claim").count() >= 1

    # Focusing a claim shows its source, date and exact sentence.
    claim = page.locator(".claim").first
    tip = claim.locator(".tip")
    assert not tip.is_visible()
    claim.focus()
    assert tip.is_visible()
    sentence = claim.locator(".claim-text").inner_text()
    assert sentence.strip() in tip.inner_text()

    # The hostile report: its markup is shown as text and nothing ran.
    body_text = page.locator("body").inner_text()
    assert PAYLOAD in body_text
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("script").count() == 0  # the story page ships no script at all
    assert not errors

    # Every request stayed on the loopback server.
    assert requests
    for url in requests:
        assert urlsplit(url).hostname == "127.0.0.1", url

    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=False)
    assert SCREENSHOT.stat().st_size > 10_000


def test_english_switch_is_remembered(server, browser_page):
    page = browser_page
    page.goto(f"{server['base']}/?lang=en")
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.goto(f"{server['base']}/stories/{server['story']}")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("nav a[aria-current=page]").inner_text() == "Stories"
    page.locator("a.lang").click()
    assert page.locator("html").get_attribute("dir") == "rtl"


def test_ingest_upload_shows_progress_and_report(server, browser_page, tmp_path):
    page = browser_page
    page.goto(f"{server['base']}/ingest?lang=ar")
    report = tmp_path / "تقرير.txt"
    report.write_text(
        "تونس - 26 نوفمبر 2019 - أعلنت السلطات التونسية انتشال جثتين إضافيتين قرب صفاقس.",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.txt"
    bad.write_bytes("خبر".encode("cp1256"))
    page.set_input_files("input[type=file]", [str(report), str(bad)])
    page.click("#ingest-form button[type=submit]")
    page.wait_for_selector("#ingest-report table")
    text = page.locator("#ingest-report").inner_text()
    assert "added 1, duplicate 0, rejected 1" in text
    assert "bad.txt" in text
    assert page.url.endswith("/ingest?lang=ar")  # stayed on the page: the upload went by XHR


def test_compare_form_posts_from_the_page_without_storing(server, browser_page):
    page = browser_page
    count = lambda: page.request.get(f"{server['base']}/api/v1/documents?limit=1").json()["total"]  # noqa: E731
    before = count()
    reports = sample_story_paths()["jordan-measles-campaign"]
    page.goto(f"{server['base']}/compare?lang=ar")
    page.fill("textarea[name=text_1]", reports[0].read_text(encoding="utf-8"))
    page.fill("textarea[name=text_2]", reports[1].read_text(encoding="utf-8"))
    page.click("form.compare-form button[type=submit]")
    page.wait_for_selector("#result table.matrix")
    assert page.locator("#result th.source").count() == 2
    assert page.locator("#result tr.row[data-verdict]").count() >= 1
    assert count() == before
