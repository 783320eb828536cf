"""Reading request bodies: JSON reports and multipart uploads, with field-named errors."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from starlette.datastructures import FormData, UploadFile

from marsad.api.errors import Problem
from marsad.api.ingest import Item, Pasted, Upload

MAX_FILES = 200
MAX_DOCUMENTS = 1000


class DocumentIn(BaseModel):
    """One report sent as JSON."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="the report's full text")
    title: str = ""
    source: str = Field("", description="the outlet")
    published: date | None = Field(None, description="YYYY-MM-DD")
    url: str = ""


class DocumentsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentIn] = Field(min_length=1, max_length=MAX_DOCUMENTS)


class CompareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentIn] = Field(min_length=2, max_length=50)
    store: bool = Field(False, description="also store the reports")


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_json(request: Request) -> Any:
    body = await request.body()
    if not body.strip():
        raise Problem(422, "the request body is empty")
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise Problem(400, "the JSON body is not valid UTF-8") from None
    except json.JSONDecodeError as e:
        raise Problem(
            400, f"the body is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}"
        ) from None


def validate(adapter: TypeAdapter, value: Any, prefix: tuple = ("body",)) -> Any:
    try:
        return adapter.validate_python(value)
    except ValidationError as e:
        errors = []
        for err in e.errors(include_url=False):
            err = dict(err)
            err["loc"] = (*prefix, *err.get("loc", ()))
            errors.append(err)
        raise RequestValidationError(errors) from None


DOCUMENT = TypeAdapter(DocumentIn)
DOCUMENTS = TypeAdapter(DocumentsIn)
COMPARE = TypeAdapter(CompareIn)
DATE = TypeAdapter(date)


def pasted(doc: DocumentIn, name: str) -> Pasted:
    return Pasted(doc.text, doc.title, doc.source, doc.published, doc.url, name)


def json_documents(value: Any) -> list[Pasted]:
    """``{text, ...}``, ``{"documents": [...]}`` or ``[...]`` into reports."""
    if isinstance(value, list):
        value = {"documents": value}
    if isinstance(value, dict) and "documents" in value:
        docs = validate(DOCUMENTS, value).documents
        return [pasted(d, f"documents[{i}]") for i, d in enumerate(docs)]
    return [pasted(validate(DOCUMENT, value), "text")]


def form_date(form: FormData, name: str) -> date | None:
    value = form.get(name)
    if not isinstance(value, str) or not value.strip():
        return None
    return validate(DATE, value.strip(), ("body", name))


def form_text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def read_form(request: Request) -> FormData:
    return await request.form(max_files=MAX_FILES, max_fields=MAX_FILES * 6)


async def form_uploads(form: FormData, field: str = "files") -> list[Upload]:
    uploads = []
    for value in [*form.getlist(field), *form.getlist("file")]:
        if isinstance(value, UploadFile):
            if not value.filename and not value.size:
                continue  # an empty file input
            uploads.append(Upload(value.filename or "upload", await value.read()))
    return uploads


def form_pasted(form: FormData) -> list[Pasted]:
    """Reports typed into the form: ``text`` or ``text_1``, ``text_2``... with their
    ``title_N``, ``source_N``, ``published_N``."""
    out = []
    for suffix in ["", *(f"_{i}" for i in range(1, 21))]:
        text = form_text(form, f"text{suffix}")
        if not text.strip():
            continue
        out.append(
            Pasted(
                text,
                form_text(form, f"title{suffix}"),
                form_text(form, f"source{suffix}"),
                form_date(form, f"published{suffix}"),
                form_text(form, f"url{suffix}"),
                name=f"text{suffix}" if suffix else "text",
                parse=True,
            )
        )
    return out


def checked(form: FormData, name: str) -> bool:
    return form_text(form, name).lower() in ("1", "true", "on", "yes")


async def form_items(form: FormData) -> list[Item]:
    return [*(await form_uploads(form)), *form_pasted(form)]
