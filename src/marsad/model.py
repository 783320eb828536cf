"""The data model shared by every stage: plain dataclasses, no I/O.

Every annotation is a character span into its document's *original* text (Python ``str``
indices): ``doc.text[start:end] == text``. Normalisation is for matching only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

EntityType = Literal["PER", "ORG", "LOC", "GPE", "NORP", "TITLE", "DATE", "MISC"]
Verdict = Literal["agree", "partial", "conflict", "update", "unclear"]
VERDICTS: tuple[str, ...] = ("agree", "partial", "conflict", "update", "unclear")


def content_id(text: str) -> str:
    """Document id: a hash of the text, so the same report ingested twice is stored once."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:16]


@dataclass
class Document:
    id: str
    text: str
    title: str = ""
    source: str = ""
    published: date | None = None
    path: str = ""
    url: str = ""

    @classmethod
    def create(
        cls,
        text: str,
        title: str = "",
        source: str = "",
        published: date | None = None,
        path: str = "",
        url: str = "",
    ) -> Document:
        return cls(content_id(text), text, title, source, published, path, url)


@dataclass(frozen=True)
class Span:
    doc: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    norm: str  # normalised surface form (for matching)
    stem: str  # normalised form with clitics (و ف ب ل ك ال) stripped


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TimeExpr:
    start: int
    end: int
    text: str
    value_start: str  # ISO date, first day of the interval
    value_end: str  # ISO date, last day of the interval (inclusive)
    granularity: Literal["day", "month", "year", "range"]
    relative: bool = False  # resolved against the report's date ("أمس", "اليوم الخميس")
    calendar: Literal["gregorian", "hijri"] = "gregorian"

    @property
    def iso(self) -> str:
        """ISO form at the expression's own granularity: 2019, 2019-11, 2019-11-05, or a/b."""
        if self.calendar == "hijri" and self.granularity != "day":
            return f"{self.value_start}/{self.value_end}"  # a Hijri month is not a Gregorian one
        if self.granularity == "year":
            return self.value_start[:4]
        if self.granularity == "month":
            return self.value_start[:7]
        if self.granularity == "day":
            return self.value_start
        return f"{self.value_start}/{self.value_end}"

    def compatible(self, other: TimeExpr) -> bool:
        """Two times are compatible when their intervals overlap (2019 vs November 2019)."""
        return self.value_start <= other.value_end and other.value_start <= self.value_end


@dataclass(frozen=True)
class Attribute:
    """A title, rank, role or nationality attached to a person mention."""

    kind: Literal["title", "rank", "role", "nationality"]
    value: str  # normalised value for matching (e.g. "رئيس الوزراء")
    start: int
    end: int
    text: str
    date: str | None = None


@dataclass
class Mention:
    doc: str
    start: int
    end: int
    text: str
    type: str
    norm: str = ""  # normalised name used for linking
    attributes: list[Attribute] = field(default_factory=list)
    acronym_of: str | None = None  # normalised expansion when this mention is an acronym
    entity: str | None = None  # entity id once linked
    confidence: float = 1.0


@dataclass
class Entity:
    id: str
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)


@dataclass
class Slot:
    """A recognised relation inside a claim: subject / relation / object, each a span."""

    relation: str
    subject: Span | None = None
    object: Span | None = None


@dataclass
class Claim:
    id: str
    doc: str
    start: int
    end: int
    text: str
    mentions: list[Mention] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    time: TimeExpr | None = None
    negated: bool = False
    slots: list[Slot] = field(default_factory=list)


@dataclass
class Alignment:
    claims: list[str]
    verdict: str
    note: str
    score: float = 0.0


@dataclass
class TimelineEvent:
    date: str
    text: str
    claims: list[str]


@dataclass
class DocAnalysis:
    """What the per-document stages produce for one document."""

    doc: Document
    sentences: list[Sentence]
    tokens: list[Token]
    timexes: list[TimeExpr]
    mentions: list[Mention]
    claims: list[Claim]


@dataclass
class Story:
    id: str
    doc_ids: list[str]
    title: str = ""
    first: str | None = None  # ISO date of the earliest report
    last: str | None = None


@dataclass
class DuplicateSet:
    """A report and its near-duplicate copies (agency copy reprinted with small edits)."""

    canonical: str  # doc id of the report that stands for the set
    copies: list[str]  # doc ids of the other reports
    similarity: float = 0.0  # lowest estimated similarity of a copy to the canonical report


@dataclass
class SummarySentence:
    """A sentence of the brief's consolidated summary: a claim's own words, never rewritten."""

    claim: str  # claim id; the text shown is that claim's span in its report
    support: int  # independent sources stating it (copies of one report count once)
    sources: list[str]  # doc ids of the supporting reports, one per independent source


@dataclass
class DateBound:
    """What a report's text says about its date when the report carries none."""

    doc: str
    not_before: str  # ISO date: the latest event the report describes as past
    claim: str  # the claim whose time gives the bound
    text: str  # the time expression's words


@dataclass
class Brief:
    documents: list[Document]
    entities: list[Entity]
    claims: list[Claim]
    alignments: list[Alignment]
    unique: list[str]
    timeline: list[TimelineEvent]
    support: dict[str, int] = field(default_factory=dict)  # claim id -> independent sources
    summary: list[SummarySentence] = field(default_factory=list)
    duplicates: list[DuplicateSet] = field(default_factory=list)
    date_bounds: list[DateBound] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)  # see marsad.kb.brief
