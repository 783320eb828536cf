"""The web app's pages (server-rendered, Arabic right-to-left first, English on ?lang=en)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from marsad.api.briefs import BriefStats
from marsad.api.errors import Problem
from marsad.api.i18n import STRINGS
from marsad.api.ingest import documents_of, read_items, rejections_of
from marsad.api.inputs import checked, form_date, form_items, form_text, read_form
from marsad.api.queries import Page, count_search, doc_meta, paginate
from marsad.api.render import page, request_lang
from marsad.api.state import AppState, get_state
from marsad.api.views import build_brief_view, safe_url, spans_to_segments
from marsad.model import Story
from marsad.pipeline import compare_documents
from marsad.store import StoreError
from marsad.store.search import QueryError

router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(get_state)]
PER_PAGE = 20
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@dataclass
class StoryRow:
    story: Story
    title: str
    sources: list[str]
    stats: BriefStats


def parse_day(value: str | None, name: str) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise Problem(422, f"{name}: expected a date as YYYY-MM-DD, got {value!r}") from None


def story_title(story: Story, meta) -> str:
    if story.title:
        return story.title
    titled = [meta[d].title for d in story.doc_ids if d in meta and meta[d].title]
    return titled[0] if titled else story.id


@router.get("/", response_class=HTMLResponse)
@router.get("/stories", response_class=HTMLResponse)
def stories_page(
    request: Request,
    state: State,
    offset: Offset = 0,
    entity: Annotated[str, Query(max_length=200)] = "",
    date_from: Annotated[str, Query(alias="from", max_length=20)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=20)] = "",
):
    from marsad.api.routes_api import select_stories

    first, last = parse_day(date_from, "from"), parse_day(date_to, "to")
    chosen = state.entity_index().find(entity) if entity else []
    stories = select_stories(state, entity or None, first, last)
    current = paginate(stories, PER_PAGE, offset)
    meta = doc_meta(state.store, [d for s in current.items for d in s.doc_ids])
    rows = []
    for story in current.items:
        sources = list(
            dict.fromkeys(meta[d].source for d in story.doc_ids if d in meta and meta[d].source)
        )
        stats = state.briefs.get(state.store, story).stats
        rows.append(StoryRow(story, story_title(story, meta), sources, stats))
    return page(
        request,
        "stories.html.j2",
        section="stories",
        rows=rows,
        pager=current,
        entity=entity,
        entity_names=[e.name for e in chosen[:5]],
        date_from=date_from,
        date_to=date_to,
        filtered=bool(entity or first or last),
        total_stories=len(state.all_stories()),
    )


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str, state: State):
    story = state.story(story_id)
    entry = state.briefs.get(state.store, story)
    view = build_brief_view(entry.brief, request_lang(request), state.entity_index(), entry.stats)
    title = story.title or next((d.title for d in entry.brief.documents if d.title), story.id)
    return page(
        request,
        "story.html.j2",
        section="stories",
        story=story,
        title=title,
        b=view,
        doc_links=True,
    )


@router.get("/entities", response_class=HTMLResponse)
def entities_page(
    request: Request,
    state: State,
    offset: Offset = 0,
    type: Annotated[str, Query(max_length=8)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
):
    index = state.entity_index()
    records = index.query(type or None, q or None)
    current = paginate(records, 50, offset)
    types = sorted({e.type for e in index.entities})
    return page(
        request, "entities.html.j2", section="entities", pager=current, type=type, q=q, types=types
    )


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: str, state: State):
    from marsad.api.entity import entity_detail

    detail = entity_detail(state, entity_id, request_lang(request))
    meta = doc_meta(state.store, [d for s in detail.stories for d in s.doc_ids])
    stories = [(s, story_title(s, meta)) for s in detail.stories]
    return page(request, "entity.html.j2", section="entities", e=detail, stories=stories)


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(
    request: Request,
    doc_id: str,
    state: State,
    start: Annotated[int | None, Query(ge=0)] = None,
    end: Annotated[int | None, Query(ge=0)] = None,
):
    doc = state.store.get_document(doc_id)
    if doc is None:
        raise Problem(404, f"no document with id {doc_id!r}")
    spans = []
    if start is not None and end is not None and start < end <= len(doc.text):
        spans = [(start, end, "hit", "")]
    segments = spans_to_segments(doc.text, spans)
    story_ids = state.store.stories_of(doc_id)
    return page(
        request,
        "document.html.j2",
        section="stories",
        doc=doc,
        url=safe_url(doc.url),
        doc_segments=segments,
        stories=story_ids,
    )


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    state: State,
    q: Annotated[str, Query(max_length=500)] = "",
    offset: Offset = 0,
):
    from marsad.api.search import run_search

    results: Page | None = None
    error = ""
    status = 200
    if q.strip():
        try:
            total = count_search(state.store, q)
            results = Page(run_search(state.store, q, PER_PAGE, offset), total, PER_PAGE, offset)
        except (QueryError, StoreError) as e:
            error, status = str(e), 400
    return page(
        request,
        "search.html.j2",
        status=status,
        section="search",
        q=q,
        results=results,
        error=error,
    )


SLOTS = 3


@router.get("/compare", response_class=HTMLResponse)
def compare_form(request: Request):
    return page(
        request,
        "compare.html.j2",
        section="compare",
        slots=SLOTS,
        b=None,
        error="",
        rejected=[],
        report=None,
        form={},
        doc_links=False,
    )


@router.post("/compare", response_class=HTMLResponse)
async def compare_submit(request: Request, state: State):
    form = await read_form(request)
    values = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    items = await form_items(form)
    keep = checked(form, "store")
    groups = read_items(items, None, None, state.max_file_bytes)
    docs = list({d.id: d for d in documents_of(groups)}.values())
    rejected = rejections_of(groups)
    lang = request_lang(request)
    if len(docs) < 2:
        return page(
            request,
            "compare.html.j2",
            status=422,
            section="compare",
            slots=SLOTS,
            b=None,
            error=STRINGS[lang]["compare_need_two"],
            rejected=rejected,
            report=None,
            form=values,
            doc_links=False,
        )
    brief = await run_in_threadpool(compare_documents, docs)
    view = build_brief_view(brief, lang, state.entity_index())
    report = None
    if keep:
        report = await run_in_threadpool(state.ingest, groups)
    return page(
        request,
        "compare.html.j2",
        section="compare",
        slots=SLOTS,
        b=view,
        error="",
        rejected=rejected,
        report=report,
        form=values,
        doc_links=False,
    )


@router.get("/ingest", response_class=HTMLResponse)
def ingest_form(request: Request, state: State):
    return page(
        request, "ingest.html.j2", section="ingest", report=None, limit=state.max_request_bytes
    )


@router.post("/ingest", response_class=HTMLResponse)
async def ingest_submit(request: Request, state: State):
    form = await read_form(request)
    items = await form_items(form)
    source = form_text(form, "source").strip() or None
    published = form_date(form, "published")
    if not items:
        raise Problem(422, "no file was sent")
    groups = read_items(items, source, published, state.max_file_bytes)
    report = await run_in_threadpool(state.ingest, groups)
    status = 200 if (report.added or report.duplicates) else 422
    return page(
        request,
        "ingest.html.j2",
        status=status,
        section="ingest",
        report=report,
        limit=state.max_request_bytes,
    )


@router.get("/favicon.ico")
def favicon():
    return RedirectResponse("/static/favicon.svg", status_code=308)
