"""The REST API under /api/v1: documents, stories, briefs, entities, search, compare."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from marsad.api.briefs import make_story_brief
from marsad.api.errors import PROBLEM_TYPE, Problem
from marsad.api.ingest import Item, documents_of, read_items, rejections_of
from marsad.api.inputs import (
    COMPARE,
    CompareIn,
    DocumentIn,
    checked,
    form_date,
    form_items,
    form_text,
    json_documents,
    media_type,
    pasted,
    read_form,
    read_json,
    validate,
)
from marsad.api.queries import Page, count_search, doc_meta, filter_stories, paginate
from marsad.api.state import AppState, get_state
from marsad.model import Document, Story
from marsad.store import StoreError
from marsad.store.search import QueryError

router = APIRouter(prefix="/api/v1")
State = Annotated[AppState, Depends(get_state)]
Limit = Annotated[int, Query(ge=1, le=100, description="items per page (1-100)")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="items to skip")]

PROBLEM = {"content": {PROBLEM_TYPE: {}}, "description": "a problem (RFC 9457)"}
ERRORS = {s: PROBLEM for s in (400, 404, 413, 422)}


def page_body(request: Request, page: Page, items: list[Any]) -> dict[str, Any]:
    def link(offset: int | None) -> str | None:
        if offset is None:
            return None
        return f"{request.url.path}?{request.url.include_query_params(offset=offset).query}"

    return {
        "items": items,
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
        "next": link(page.next_offset),
        "previous": link(page.previous_offset),
    }


def document_json(d: Document, text: bool = False, stories: list[str] | None = None) -> dict:
    out: dict[str, Any] = {
        "id": d.id,
        "title": d.title,
        "source": d.source,
        "published": d.published.isoformat() if d.published else None,
        "path": d.path,
        "url": d.url,
        "length": len(d.text),
        "links": {"self": f"/api/v1/documents/{d.id}", "web": f"/documents/{d.id}"},
    }
    if stories is not None:
        out["stories"] = stories
    if text:
        out["text"] = d.text
    return out


def story_json(state: AppState, story: Story, stats: bool = True) -> dict:
    meta = doc_meta(state.store, story.doc_ids)
    out: dict[str, Any] = {
        "id": story.id,
        "title": story.title,
        "first": story.first,
        "last": story.last,
        "documents": [
            {"id": m.id, "title": m.title, "source": m.source, "published": m.published}
            for m in (meta[d] for d in story.doc_ids if d in meta)
        ],
        "links": {
            "self": f"/api/v1/stories/{story.id}",
            "brief": f"/api/v1/stories/{story.id}/brief",
            "web": f"/stories/{story.id}",
        },
    }
    if stats:
        out["stats"] = state.briefs.get(state.store, story).stats.as_dict()
    return out


# -- documents ------------------------------------------------------------------------------


@router.get("/documents", summary="A page of stored reports, newest first", responses=ERRORS)
def list_documents(
    request: Request, state: State, limit: Limit = 20, offset: Offset = 0, source: str | None = None
) -> dict:
    total = state.store.count(source)
    docs = state.store.documents(limit=limit, offset=offset, source=source)
    page = Page(docs, total, limit, offset)
    return page_body(request, page, [document_json(d) for d in docs])


@router.get("/documents/{doc_id}", summary="One stored report with its text", responses=ERRORS)
def get_document(doc_id: str, state: State) -> dict:
    doc = state.store.get_document(doc_id)
    if doc is None:
        raise Problem(404, f"no document with id {doc_id!r}")
    return document_json(doc, text=True, stories=state.store.stories_of(doc_id))


INGEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "text": {"type": "string"},
                        "title": {"type": "string"},
                        "source": {"type": "string", "description": "overrides the files' outlet"},
                        "published": {"type": "string", "format": "date"},
                    },
                }
            },
            "application/json": {
                "schema": {
                    "oneOf": [
                        DocumentIn.model_json_schema(),
                        {"type": "array", "items": DocumentIn.model_json_schema()},
                    ]
                }
            },
        },
    }
}


async def _items_of(request: Request) -> tuple[list[Item], str | None, Any]:
    kind = media_type(request)
    if kind == "application/json":
        return list(json_documents(await read_json(request))), None, None
    if kind == "multipart/form-data":
        form = await read_form(request)
        source = form_text(form, "source").strip() or None
        return await form_items(form), source, form_date(form, "published")
    raise Problem(
        415,
        f"send multipart/form-data (field 'files') or application/json, not {kind or 'no content type'}",
    )


@router.post(
    "/documents",
    summary="Ingest reports: uploaded files (txt, html, jsonl, rss/atom) or JSON",
    status_code=201,
    openapi_extra=INGEST_BODY,
    responses=ERRORS,
)
async def post_documents(request: Request, state: State) -> Response:
    items, source, published = await _items_of(request)
    if not items:
        raise Problem(
            422,
            "nothing to ingest: send files in the multipart field 'files' or a JSON report {text, ...}",
        )
    groups = read_items(items, source, published, state.max_file_bytes)
    if not documents_of(groups):
        rejected = rejections_of(groups)
        raise Problem(
            422,
            "no readable report: " + "; ".join(rejected[:5]),
            files=[{"name": n, "rejected": [str(r) for r in g]} for n, g in groups],
        )
    report = await run_in_threadpool(state.ingest, groups)
    body = report.as_dict()
    body["documents"] = [
        {"id": i, "links": {"self": f"/api/v1/documents/{i}"}}
        for f in report.files
        for i in (*f.added, *f.duplicates)
    ]
    return JSONResponse(body, status_code=201 if report.added else 200)


# -- stories --------------------------------------------------------------------------------


def _date_param(value: str | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise Problem(
            422,
            f"{name}: expected a date as YYYY-MM-DD, got {value!r}",
            errors=[{"field": name, "message": "expected YYYY-MM-DD"}],
        ) from None


def select_stories(
    state: AppState, entity: str | None, date_from: str | None, date_to: str | None
) -> list[Story]:
    docs = None
    if entity:
        docs = set()
        for record in state.entity_index().find(entity):
            docs |= record.docs
    return filter_stories(state.all_stories(), docs, date_from, date_to)


@router.get("/stories", summary="A page of stories, newest first", responses=ERRORS)
def list_stories(
    request: Request,
    state: State,
    limit: Limit = 20,
    offset: Offset = 0,
    entity: Annotated[str | None, Query(max_length=200, description="entity id or name")] = None,
    date_from: Annotated[str | None, Query(alias="from", description="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(alias="to", description="YYYY-MM-DD")] = None,
    stats: Annotated[bool, Query(description="include the brief's figures")] = True,
) -> dict:
    stories = select_stories(
        state, entity, _date_param(date_from, "from"), _date_param(date_to, "to")
    )
    page = paginate(stories, limit, offset)
    return page_body(request, page, [story_json(state, s, stats) for s in page.items])


@router.get("/stories/{story_id}", summary="One story: its reports and figures", responses=ERRORS)
def get_story(story_id: str, state: State) -> dict:
    return story_json(state, state.story(story_id))


@router.get(
    "/stories/{story_id}/brief",
    summary="The story's brief (schema marsad.brief/1)",
    responses=ERRORS,
)
def get_brief(
    story_id: str,
    state: State,
    text: Annotated[bool, Query(description="include each report's full text")] = True,
) -> Response:
    entry = state.briefs.get(state.store, state.story(story_id))
    if entry.problems:
        raise Problem(500, "the brief failed validation: " + "; ".join(entry.problems[:3]))
    if text:
        return Response(entry.json_bytes(), media_type="application/json")
    data = dict(entry.data)
    data["documents"] = [{k: v for k, v in d.items() if k != "text"} for d in data["documents"]]
    return JSONResponse(data)


# -- entities -------------------------------------------------------------------------------


def entity_json(record, with_mentions: bool = False) -> dict:
    out: dict[str, Any] = {
        "id": record.id,
        "type": record.type,
        "name": record.name,
        "aliases": record.aliases,
        "key": record.key,
        "mentions": len(record.mentions),
        "documents": len(record.docs),
        "links": {"self": f"/api/v1/entities/{record.id}", "web": f"/entities/{record.id}"},
    }
    if with_mentions:
        out["mention_spans"] = [
            {"doc": m.doc, "start": m.start, "end": m.end, "text": m.text} for m in record.mentions
        ]
    return out


@router.get("/entities", summary="A page of entities, most mentioned first", responses=ERRORS)
def list_entities(
    request: Request,
    state: State,
    limit: Limit = 20,
    offset: Offset = 0,
    type: Annotated[
        str | None, Query(pattern="^[A-Za-z]{2,5}$", description="PER, ORG, GPE...")
    ] = None,
    q: Annotated[str | None, Query(max_length=200, description="name or alias contains")] = None,
) -> dict:
    records = state.entity_index().query(type, q)
    page = paginate(records, limit, offset)
    return page_body(request, page, [entity_json(r) for r in page.items])


@router.get(
    "/entities/{entity_id}", summary="One entity: names, roles, mentions, stories", responses=ERRORS
)
def get_entity(entity_id: str, state: State) -> dict:
    from marsad.api.entity import entity_detail

    detail = entity_detail(state, entity_id, "en")
    out = entity_json(detail.record, with_mentions=True)
    out["name"] = detail.name
    out["names"] = detail.names
    out["attributes"] = [
        {
            "date": r.date,
            "kind": r.kind,
            "text": r.text,
            "source": r.source,
            "doc": r.doc,
            "start": r.start,
            "end": r.end,
        }
        for r in detail.attributes
    ]
    out["mentions_by"] = [{"date": d, "source": s, "count": n} for d, s, n in detail.mentions_by]
    out["stories"] = [
        {"id": s.id, "title": s.title, "first": s.first, "last": s.last} for s in detail.stories
    ]
    return out


# -- search ---------------------------------------------------------------------------------


@router.get("/search", summary="Full-text search over all reports", responses=ERRORS)
def search(
    request: Request,
    state: State,
    q: Annotated[
        str, Query(min_length=1, max_length=500, description='words, "phrases", OR, -word, prefix*')
    ],
    limit: Limit = 20,
    offset: Offset = 0,
    source: str | None = None,
) -> dict:
    from marsad.api.search import run_search

    try:
        total = count_search(state.store, q, source)
        results = run_search(state.store, q, limit, offset, source)
    except (QueryError, StoreError) as e:
        raise Problem(400, str(e), errors=[{"field": "q", "message": str(e)}]) from None
    page = Page(results, total, limit, offset)
    return page_body(request, page, [r.as_dict() for r in results])


# -- compare --------------------------------------------------------------------------------

COMPARE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": CompareIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "text_1": {"type": "string"},
                        "text_2": {"type": "string"},
                        "store": {"type": "boolean"},
                    },
                }
            },
        },
    }
}


@router.post(
    "/compare",
    summary="Compare two or more reports (not stored unless store=true); returns a brief",
    openapi_extra=COMPARE_BODY,
    responses=ERRORS,
)
async def compare(request: Request, state: State) -> Response:
    kind = media_type(request)
    if kind == "application/json":
        body = validate(COMPARE, await read_json(request))
        items: list[Item] = [pasted(d, f"documents[{i}]") for i, d in enumerate(body.documents)]
        keep, source, published = body.store, None, None
    elif kind == "multipart/form-data":
        form = await read_form(request)
        items = await form_items(form)
        keep = checked(form, "store")
        source, published = form_text(form, "source").strip() or None, form_date(form, "published")
    else:
        raise Problem(
            415, f"send application/json or multipart/form-data, not {kind or 'no content type'}"
        )
    groups = read_items(items, source, published, state.max_file_bytes)
    docs = list({d.id: d for d in documents_of(groups)}.values())
    if len(docs) < 2:
        rejected = rejections_of(groups)
        why = ("; rejected: " + "; ".join(rejected[:5])) if rejected else ""
        raise Problem(
            422, f"compare needs at least two distinct readable reports, got {len(docs)}{why}"
        )
    brief = await run_in_threadpool(_compare, docs)
    entry = make_story_brief(Story("compare", [d.id for d in docs]), brief)
    if entry.problems:
        raise Problem(500, "the brief failed validation: " + "; ".join(entry.problems[:3]))
    data = dict(entry.data)
    data["stats"] = entry.stats.as_dict()
    if rejections_of(groups):
        data["rejected"] = rejections_of(groups)
    if keep:
        report = await run_in_threadpool(state.ingest, groups)
        data["stored"] = report.as_dict()
    return JSONResponse(data)


def _compare(docs: list[Document]):
    from marsad.pipeline import compare_documents

    return compare_documents(docs)
