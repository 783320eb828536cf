"""Uploads and pasted reports into Documents, and into the store with a per-file report
(added / duplicate / rejected), as ``marsad ingest`` reports them."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from marsad.ingest import DEFAULT_MAX_BYTES, Rejected, read_bytes
from marsad.model import Document


@dataclass
class FileReport:
    name: str
    added: list[str] = field(default_factory=list)  # document ids
    duplicates: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # one-line reasons

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "added": list(self.added),
            "duplicates": list(self.duplicates),
            "rejected": list(self.rejected),
        }


@dataclass
class IngestReport:
    files: list[FileReport]
    stories: int | None = None  # stories after the rebuild; None when nothing was added

    @property
    def added(self) -> int:
        return sum(len(f.added) for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(len(f.duplicates) for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(len(f.rejected) for f in self.files)

    @property
    def summary(self) -> str:
        """The CLI's closing line."""
        tail = f"; {self.stories} stories" if self.stories is not None else ""
        return f"added {self.added}, duplicate {self.duplicates}, rejected {self.rejected}{tail}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "stories": self.stories,
            "summary": self.summary,
            "files": [f.as_dict() for f in self.files],
        }


@dataclass
class Upload:
    name: str
    data: bytes


@dataclass
class Pasted:
    """A report typed or pasted in (JSON body or a form's text field)."""

    text: str
    title: str = ""
    source: str = ""
    published: date | None = None
    url: str = ""
    name: str = "text"
    # Read like a .txt file (headline, dateline, outlet found in the text), the fields above
    # overriding what is found; otherwise the text is taken as the report's body, as is.
    parse: bool = False


Item = Upload | Pasted


def read_items(
    items: Iterable[Item],
    source: str | None = None,
    published: date | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[tuple[str, list[Document | Rejected]]]:
    """Each item's documents (or rejections), by the item's name."""
    out: list[tuple[str, list[Document | Rejected]]] = []
    for item in items:
        if isinstance(item, Upload):
            name = item.name or "upload"
            out.append(
                (name, list(read_bytes(item.data, name, source, published, max_bytes=max_bytes)))
            )
            continue
        if not item.text.strip():
            out.append((item.name, [Rejected(item.name, "empty text")]))
            continue
        if item.parse:
            found = read_bytes(
                item.text.encode("utf-8"),
                f"{item.name}.txt",
                source if source is not None else (item.source.strip() or None),
                published if published is not None else item.published,
                max_bytes=max_bytes,
            )
            out.append((item.name, [_override(d, item) for d in found]))
            continue
        out.append(
            (
                item.name,
                [
                    Document.create(
                        item.text,
                        title=item.title.strip(),
                        source=(source if source is not None else item.source).strip(),
                        published=published if published is not None else item.published,
                        url=item.url.strip(),
                    )
                ],
            )
        )
    return out


def _override(doc: Document | Rejected, item: Pasted) -> Document | Rejected:
    if isinstance(doc, Rejected):
        return doc
    doc.title = item.title.strip() or doc.title
    doc.url = item.url.strip() or doc.url
    doc.path = item.name
    return doc


def store_items(
    store, groups: list[tuple[str, list[Document | Rejected]]], lock: threading.Lock
) -> IngestReport:
    """Analyse and store the documents, one transaction per file; rebuild the stories when
    anything was added. Writers are serialised by ``lock``."""
    from marsad.service import IngestSession

    files: list[FileReport] = []
    with lock:
        session = IngestSession(store)
        seen: set[str] = set()
        for name, items in groups:
            report = FileReport(name)
            for item in items:
                if isinstance(item, Rejected):
                    report.rejected.append(str(item))
                    continue
                if item.id in seen or item.id in store:
                    report.duplicates.append(item.id)
                else:
                    report.added.append(item.id)
                seen.add(item.id)
                session.add(item)
            session.flush()
            files.append(report)
        stories = session.rebuild_stories() if any(f.added for f in files) else None
    return IngestReport(files, stories)


def documents_of(groups: list[tuple[str, list[Document | Rejected]]]) -> list[Document]:
    return [d for _, items in groups for d in items if isinstance(d, Document)]


def rejections_of(groups: list[tuple[str, list[Document | Rejected]]]) -> list[str]:
    return [str(r) for _, items in groups for r in items if isinstance(r, Rejected)]
