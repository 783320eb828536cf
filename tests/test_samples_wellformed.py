"""The bundled sample reports and their expected results agree with each other.

These tests check the fixtures against the articles, not the system against the fixtures
(that is tests/test_samples_expected.py): every quote occurs exactly once in the report it
names, the dates behind each verdict fit the verdict, the near-duplicate pair really is one,
and the articles keep the format and the orthographic features the samples README promises.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from itertools import combinations
from pathlib import Path

import pytest

from marsad.text.normalise import norm
from marsad.text.segment import strip_clitics

SAMPLES = Path(str(files("marsad").joinpath("samples")))
EXPECTED = Path(__file__).parent / "fixtures" / "expected"

PAIR_KINDS = {"agree", "partial", "conflict", "update", "unclear"}
KINDS = PAIR_KINDS | {"unique", "near_duplicate", "entity_same", "entity_distinct", "time"}
NEEDS_WHY = {"partial", "conflict", "update", "unclear"}
ITEM_KEYS: dict[str, set[str]] = {
    **{k: {"kind", "a", "b", "why"} for k in PAIR_KINDS},
    "unique": {"kind", "a", "why"},
    "near_duplicate": {"kind", "docs", "why"},
    "entity_same": {"kind", "names", "why"},
    "entity_distinct": {"kind", "names", "why"},
    "time": {"kind", "doc", "quote", "iso", "why"},
}
REQUIRED_KEYS: dict[str, set[str]] = {
    **{k: {"kind", "a", "b"} for k in PAIR_KINDS},
    "unique": {"kind", "a"},
    "near_duplicate": {"kind", "docs"},
    "entity_same": {"kind", "names"},
    "entity_distinct": {"kind", "names"},
    "time": {"kind", "doc", "quote", "iso"},
}

_INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
MONTHS = {
    "كانون الثاني": 1, "يناير": 1, "شباط": 2, "فبراير": 2, "آذار": 3, "مارس": 3,
    "نيسان": 4, "أبريل": 4, "أيار": 5, "مايو": 5, "حزيران": 6, "يونيو": 6,
    "تموز": 7, "يوليو": 7, "آب": 8, "أغسطس": 8, "أيلول": 9, "سبتمبر": 9,
    "تشرين الأول": 10, "أكتوبر": 10, "تشرين الثاني": 11, "نوفمبر": 11,
    "كانون الأول": 12, "ديسمبر": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATELINE = re.compile(
    rf"^(?P<place>[^\d٠-٩]+?) - (?P<day>[\d٠-٩]{{1,2}}) (?P<month>{_MONTH})"
    rf"(?:/(?P<month2>{_MONTH}))? (?P<year>[\d٠-٩]{{4}}) \((?P<outlet>[^()]+)\)$"
)
_SOURCE = re.compile(r"^المصدر: (?P<outlet>\S.*)$")
_DATE_LINE = re.compile(r"^التاريخ: (?P<iso>\d{4}-\d{2}-\d{2})$")
_SENTENCE_END = re.compile(r"[.!?؟]")
_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}-\d{2}-\d{2})?$")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_STOP = {
    norm(w)
    for w in "في من على إلى عن أن إن التي الذي الذين مع بين بعد قبل كان كانت هذه هذا ذلك تلك "
    "قد لا ما أو ثم حتى منذ خلال نحو".split()
}


@dataclass
class Article:
    path: Path
    text: str
    headline: str
    outlet: str
    published: date | None
    body: str
    body_start: int  # offset of the body in ``text``

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]


def parse_article(path: Path) -> Article:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    headline = lines[0]
    m = _DATELINE.match(lines[1])
    if m:
        month, month2 = MONTHS[m["month"]], m["month2"]
        assert month2 is None or MONTHS[month2] == month, f"{path.name}: two months disagree"
        day, year = int(m["day"].translate(_INDIC)), int(m["year"].translate(_INDIC))
        published: date | None = date(year, month, day)
        outlet, header_lines = m["outlet"], 2
    else:
        source = _SOURCE.match(lines[1])
        assert source, f"{path.name}: line 2 is neither a dateline nor 'المصدر: ...'"
        outlet, header_lines, published = source["outlet"], 2, None
        date_line = _DATE_LINE.match(lines[2])
        if date_line:
            published, header_lines = date.fromisoformat(date_line["iso"]), 3
    assert lines[header_lines] == "", f"{path.name}: no blank line after the header"
    body_start = sum(len(line) + 1 for line in lines[: header_lines + 1])
    return Article(path, text, headline, outlet, published, text[body_start:], body_start)


def _stories() -> dict[str, dict[str, Article]]:
    return {
        folder.name: {p.name: parse_article(p) for p in sorted(folder.glob("*.txt"))}
        for folder in sorted(p for p in SAMPLES.iterdir() if p.is_dir())
    }


def _fixtures() -> dict[str, dict]:
    return {
        f.stem: json.loads(f.read_text(encoding="utf-8")) for f in sorted(EXPECTED.glob("*.json"))
    }


STORIES = _stories()
FIXTURES = _fixtures()
ALL_ITEMS = [
    (story, i, item) for story, spec in FIXTURES.items() for i, item in enumerate(spec["expected"])
]


def _item_id(entry: tuple[str, int, dict]) -> str:
    story, i, item = entry
    return f"{story}:{i}:{item.get('kind')}"


def _stems(text: str) -> set[str]:
    words = re.findall(r"[\w\u0600-\u06FF]+", norm(text))
    return {strip_clitics(w) for w in words if w not in _STOP and len(strip_clitics(w)) >= 3}


def _sentence_around(article: Article, quote: str) -> str:
    pos = article.body.find(quote)
    start = max(article.body.rfind(ch, 0, pos) for ch in ".!?؟\n") + 1
    ends = [e for e in (article.body.find(ch, pos + len(quote)) for ch in ".!?؟\n") if e >= 0]
    return article.body[start : min(ends) if ends else len(article.body)]


def _shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    words = re.findall(r"[\w\u0600-\u06FF]+", norm(text))
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


# --- the articles -------------------------------------------------------------------------


ARTICLES = [(story, a) for story, docs in STORIES.items() for a in docs.values()]


@pytest.mark.parametrize(("story", "article"), ARTICLES, ids=[a.path.name for _, a in ARTICLES])
def test_article_format(story: str, article: Article) -> None:
    text, name = article.text, article.path.name
    assert re.fullmatch(r"[a-z]+-\d+\.txt", name), f"{name}: not <outlet>-<n>.txt"
    assert "\r" not in text and text.endswith("\n") and not text.endswith("\n\n")
    assert not re.search(r"[ \t]+\n", text), "trailing spaces"
    assert "\n\n\n" not in text
    assert article.headline.strip() == article.headline and article.headline
    assert not article.headline.endswith((".", "۔")), "a headline takes no final full stop"
    assert len(article.headline.split()) <= 15
    assert 4 <= len(article.paragraphs) <= 8, f"{len(article.paragraphs)} paragraphs"
    words = len(article.body.split())
    assert 150 <= words <= 400, f"{words} words"
    assert re.search(r"[\u0600-\u06FF]", article.body)


def test_outlets_are_consistent() -> None:
    """One outlet slug is always the same outlet name across stories."""
    names: dict[str, set[str]] = {}
    for _, article in ARTICLES:
        names.setdefault(article.path.name.split("-")[0], set()).add(article.outlet)
    clash = {slug: found for slug, found in names.items() if len(found) > 1}
    assert not clash, clash


def test_sample_set_coverage() -> None:
    assert len(STORIES) >= 3
    assert sum(len(docs) for docs in STORIES.values()) >= 8
    undated = [a.path.name for _, a in ARTICLES if a.published is None]
    assert len(undated) == 1, f"exactly one undated report is planted, found {undated}"
    header_kinds = {
        "dateline" if _DATELINE.match(a.text.split("\n")[1]) else "fields" for _, a in ARTICLES
    }
    assert header_kinds == {"dateline", "fields"}, "use both header styles"


def test_orthographic_features_present() -> None:
    """The phenomena the samples README promises are really in the texts."""
    bodies = {a.path.name: a.text for _, a in ARTICLES}
    joined = "\n".join(bodies.values())
    assert "\u0640" in joined, "a tatweel"
    assert re.search(r"[\u064B-\u0652]", joined), "diacritics"
    assert [n for n, t in bodies.items() if re.search(r"[٠-٩]{4}", t)], "Arabic-Indic digits"
    assert [n for n, t in bodies.items() if re.search(r"[0-9]{4}", t)], "Latin digits"
    assert re.search(r"(تشرين|كانون|آب|تموز)", joined), "a Levantine month name"
    assert re.search(r"(نوفمبر|ديسمبر|أغسطس)", joined), "an Egyptian month name"
    assert re.search(r"\((?:[A-Z]{2,}|ال?[\u0600-\u06FF]+)\)", joined), "an acronym in parentheses"
    assert re.search(r"قال[^.\n]{0,80} إن [\"«]", joined), "a quotation with its speaker"
    for a, b in (("ريجيرو", "ريغيرو"), ("دايكسترا", "ديكسترا")):
        assert a in joined and b in joined, f"transliteration variants {a} / {b}"


# --- the fixtures -------------------------------------------------------------------------


def test_every_story_has_a_fixture() -> None:
    assert set(FIXTURES) == set(STORIES)


@pytest.mark.parametrize("story", sorted(FIXTURES))
def test_fixture_header(story: str) -> None:
    spec, docs = FIXTURES[story], STORIES[story]
    assert spec["same_story"] is True
    assert sorted(spec["documents"]) == sorted(docs), "documents must list the story's files"
    assert len(spec["documents"]) == len(set(spec["documents"]))
    published = spec["published"]
    assert set(published) == set(docs)
    for name, iso in published.items():
        got = docs[name].published
        assert (got.isoformat() if got else None) == iso, f"{name}: header date {got} vs {iso}"


def _article(story: str, name: str) -> Article:
    docs = STORIES[story]
    assert name in docs, f"{name} is not a report of {story}"
    return docs[name]


def _check_quote(article: Article, quote: str, min_words: int = 5) -> None:
    assert article.text.count(quote) == 1, (
        f"{article.path.name}: occurs {article.text.count(quote)} times: {quote!r}"
    )
    assert quote in article.body, f"{article.path.name}: not in the body: {quote!r}"
    assert quote == quote.strip() and "\n" not in quote
    assert len(quote.split()) >= min_words, f"too short to be distinctive: {quote!r}"
    assert not _SENTENCE_END.search(quote), f"spans more than one sentence: {quote!r}"


@pytest.mark.parametrize(("story", "i", "item"), ALL_ITEMS, ids=[_item_id(e) for e in ALL_ITEMS])
def test_item_wellformed(story: str, i: int, item: dict) -> None:
    kind = item.get("kind")
    assert kind in KINDS, f"unknown kind {kind!r}"
    keys = set(item)
    assert REQUIRED_KEYS[kind] <= keys <= ITEM_KEYS[kind], f"keys {sorted(keys)}"
    if kind in NEEDS_WHY:
        assert item.get("why", "").strip(), f"a {kind} item says why"
    published = FIXTURES[story]["published"]

    if kind in PAIR_KINDS:
        a, b = item["a"], item["b"]
        assert a["doc"] != b["doc"], "a pair compares two reports"
        art_a, art_b = _article(story, a["doc"]), _article(story, b["doc"])
        _check_quote(art_a, a["quote"])
        _check_quote(art_b, b["quote"])
        shared = _stems(_sentence_around(art_a, a["quote"])) & _stems(
            _sentence_around(art_b, b["quote"])
        )
        assert shared, "the two sentences share no content word: no aligner could pair them"
        da, db = published[a["doc"]], published[b["doc"]]
        if kind == "update":
            assert da and db and da < db, "an update goes from an earlier to a later report"
        elif kind == "conflict":
            assert da and db and da == db, "a conflict is planted between reports of one day"
        elif kind == "unclear":
            assert da is None or db is None, "unclear means a report's date is unknown"
    elif kind == "unique":
        article = _article(story, item["a"]["doc"])
        _check_quote(article, item["a"]["quote"])
        key = norm(item["a"]["quote"])
        for other in STORIES[story].values():
            if other is not article:
                assert key not in norm(other.text), f"also in {other.path.name}: not unique"
    elif kind == "near_duplicate":
        assert len(item["docs"]) == 2 and item["docs"][0] != item["docs"][1]
        for name in item["docs"]:
            _article(story, name)
    elif kind in ("entity_same", "entity_distinct"):
        names = item["names"]
        assert len(names) >= 2
        for name, surface in names:
            article = _article(story, name)
            assert surface and surface in article.body, f"{surface!r} not in {name}"
        if kind == "entity_distinct":
            forms = [norm(s) for _, s in names]
            assert len(set(forms)) == len(forms)
    elif kind == "time":
        article = _article(story, item["doc"])
        _check_quote(article, item["quote"], min_words=1)
        _check_time(item, article)


def _check_time(item: dict, article: Article) -> None:
    iso = item["iso"]
    assert _ISO.match(iso), f"not an ISO date, month, year or interval: {iso}"
    parts = iso.split("/")
    for part in parts:
        date.fromisoformat(part if len(part) == 10 else (part + "-01-01")[:10])
    years = _YEAR.findall(item["quote"].translate(_INDIC))
    if years:
        assert years[-1] in (parts[0][:4], parts[-1][:4]), f"{iso} is not in {years[-1]}"
    else:  # relative ("أمس", "الأحد المقبل"): resolved against the report's own date
        assert article.published, "a relative time needs a dated report"
        start, end = _interval(parts[0])
        if len(parts) == 2:
            end = date.fromisoformat(parts[1])
        pub = article.published
        gap = 0 if start <= pub <= end else min(abs((start - pub).days), abs((end - pub).days))
        limit = 8 if len(parts) == 1 and len(parts[0]) == 10 else 31  # a day, or a month/range
        assert gap <= limit, f"{iso} is {gap} days from the report's date {pub}"


def _interval(value: str) -> tuple[date, date]:
    """First and last day of an ISO year, month or day."""
    if len(value) == 4:
        return date(int(value), 1, 1), date(int(value), 12, 31)
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:])
        nxt = date(year + month // 12, month % 12 + 1, 1)
        return date(year, month, 1), date.fromordinal(nxt.toordinal() - 1)
    day = date.fromisoformat(value)
    return day, day


@pytest.mark.parametrize("story", sorted(FIXTURES))
def test_near_duplicates(story: str) -> None:
    """The planted near-duplicate pair is one; no other pair in the story comes close."""
    docs = STORIES[story]
    planted = {
        frozenset(item["docs"])
        for item in FIXTURES[story]["expected"]
        if item["kind"] == "near_duplicate"
    }
    for x, y in combinations(sorted(docs), 2):
        sim = _jaccard(_shingles(docs[x].body), _shingles(docs[y].body))
        if frozenset((x, y)) in planted:
            assert sim >= 0.6, f"{x} / {y}: shingle Jaccard {sim:.2f}, not a near-duplicate"
            assert docs[x].headline != docs[y].headline, "the copy has its own headline"
            assert docs[x].body != docs[y].body
        else:
            assert sim < 0.3, (
                f"{x} / {y}: shingle Jaccard {sim:.2f}, too close for independent reports"
            )


def test_fixture_coverage() -> None:
    counts: dict[str, int] = {}
    for story, spec in FIXTURES.items():
        per_story = {k: sum(1 for it in spec["expected"] if it["kind"] == k) for k in KINDS}
        if len(spec["documents"]) > 1:
            assert per_story["agree"] >= 3, f"{story}: fewer than 3 agree pairs"
            assert per_story["unique"] >= 3, f"{story}: fewer than 3 additions"
        for kind, n in per_story.items():
            counts[kind] = counts.get(kind, 0) + n
    minimum = {
        "partial": 2, "conflict": 1, "update": 1, "unclear": 1, "near_duplicate": 1,
        "entity_same": 4, "entity_distinct": 2, "time": 5,
    }  # fmt: skip
    short = {k: (counts.get(k, 0), n) for k, n in minimum.items() if counts.get(k, 0) < n}
    assert not short, f"(found, needed): {short}"
