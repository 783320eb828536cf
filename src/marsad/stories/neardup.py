"""Near-duplicate reports: agency copy reprinted with small edits, found by MinHash and LSH.

A report is reduced to the set of its word shingles (``SHINGLE`` consecutive words of the
normalised text, digits kept so that template reports with other figures stay apart). The
set is summarised by ``NUM_PERM`` min-hashes, computed with numpy in one pass over the
shingles (no per-shingle Python call), and indexed by LSH bands: ``BANDS`` bands of ``ROWS``
hashes each. Two reports that share a band are candidates; a candidate pair is a
near-duplicate when the estimated Jaccard similarity of their shingle sets is at least
``MIN_JACCARD``.

Groups are star-shaped: a report joins the group of the most similar earlier report that
leads a group, so every copy is a near-duplicate of the group's first report (copies of
copies would chain formulaic reports, such as congratulation cables to different heads of
state, into one group). Each group has a canonical report: the earliest, then a news
agency's, then the first seen; the others are its copies.

Two ways in, which give the same groups: ``NearDuplicateIndex`` adds one report at a time
(``add`` returns the ids it duplicates), ``near_duplicate_groups`` takes a whole corpus at
once with array operations.

Hashes are computed from stable functions (CRC-32 of words, fixed seeds), so a signature
stored with a report's analysis stays valid across processes and versions of Python.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from marsad.text.normalise import norm

SHINGLE = 3
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
MIN_JACCARD = 0.5
# Each report is compared with at most this many earlier reports of the same LSH bucket; a
# bucket shared by very many reports (boilerplate) then costs linear, not quadratic, time.
BUCKET_COMPARE = 10

_SHIFT32 = np.uint64(32)
_EMPTY = np.uint32(0xFFFFFFFF)
# A word: letters and digits, with the diacritics, tatweel and zero-width characters inside
# it (they are dropped by normalisation, so they must not split the word).
_WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d]+")


def _seeded(seed: int, count: int) -> np.ndarray:
    """Fixed odd 64-bit multipliers (the same in every process)."""
    values = np.random.Generator(np.random.PCG64(seed)).integers(
        0, 2**64 - 1, size=count, dtype=np.uint64, endpoint=True
    )
    return values | np.uint64(1)


_SHINGLE_MIX = _seeded(20191112, SHINGLE + 1)
_PERM_A = _seeded(425, NUM_PERM)
_PERM_B = _seeded(1701, NUM_PERM)
_BAND_MIX = _seeded(2485, ROWS)
_BAND_NUMBERS = np.arange(BANDS, dtype=np.uint64) * _seeded(1978, 1)[0]


def _mix(h: np.ndarray) -> np.ndarray:
    """A 64-bit finaliser (from splitmix64): spreads the bits of every input bit."""
    h = h ^ (h >> np.uint64(31))
    h = h * _SHINGLE_MIX[-1]
    return h ^ (h >> np.uint64(29))


def words(text: str) -> list[str]:
    """The normalised words of a text (diacritics dropped, hamza forms and digits folded).

    Each word is normalised alone: ``norm`` memoises short strings, and a whole article
    would be normalised far more slowly.
    """
    out = []
    for word in _WORD.findall(text):
        folded = norm(word)
        if folded:
            out.append(folded)
    return out


def word_hashes(tokens: Sequence[str]) -> np.ndarray:
    return np.fromiter(
        (zlib.crc32(w.encode("utf-8")) for w in tokens), dtype=np.uint64, count=len(tokens)
    )


def shingle_hashes(hashes: np.ndarray, k: int = SHINGLE) -> np.ndarray:
    """Distinct 64-bit hashes of the k-word shingles of a sequence of word hashes.

    A text shorter than k words is one shingle of all its words; an empty one has none.
    """
    n = len(hashes)
    if n == 0:
        return np.empty(0, dtype=np.uint64)
    k = min(k, n)
    h = hashes[: n - k + 1] * _SHINGLE_MIX[0]
    for i in range(1, k):
        h += hashes[i : n - k + 1 + i] * _SHINGLE_MIX[i]
    return np.unique(_mix(h))


def minhash_of_shingles(shingles: np.ndarray) -> np.ndarray:
    """NUM_PERM min-hashes (uint32) of a set of shingle hashes; all 0xFFFFFFFF when empty."""
    if len(shingles) == 0:
        return np.full(NUM_PERM, _EMPTY, dtype=np.uint32)
    # h(x) = (a·x + b) mod 2^64, top 32 bits (multiply-shift hashing); the shift is
    # monotone, so it is taken after the minimum. Integer arrays wrap silently.
    out = None
    for start in range(0, len(shingles), 4096):  # bounded temporary arrays
        values = np.multiply.outer(shingles[start : start + 4096], _PERM_A)
        values += _PERM_B
        low = values.min(axis=0)
        out = low if out is None else np.minimum(out, low)
    return (out >> _SHIFT32).astype(np.uint32)


@dataclass(frozen=True)
class Signature:
    """A report's MinHash signature and the number of distinct shingles it summarises."""

    hashes: np.ndarray  # NUM_PERM uint32
    size: int

    def jaccard(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        if self.size == 0 or other.size == 0:
            return 0.0
        return float(np.count_nonzero(self.hashes == other.hashes)) / NUM_PERM

    def encode(self) -> str:
        """Compact text form for a JSON payload: size, a colon, base64 of the hashes."""
        raw = self.hashes.astype("<u4").tobytes()
        return f"{self.size}:{base64.b64encode(raw).decode('ascii')}"

    @classmethod
    def decode(cls, value: str) -> Signature:
        size, _, data = value.partition(":")
        hashes = np.frombuffer(base64.b64decode(data), dtype="<u4").astype(np.uint32)
        if len(hashes) != NUM_PERM:
            raise ValueError(f"a signature has {NUM_PERM} hashes, not {len(hashes)}")
        return cls(hashes, int(size))


def signature(text: str) -> Signature:
    shingles = shingle_hashes(word_hashes(words(text)))
    return Signature(minhash_of_shingles(shingles), len(shingles))


def band_keys(hashes: np.ndarray) -> np.ndarray:
    """One 64-bit key per LSH band: shape (..., BANDS) from (..., NUM_PERM) min-hashes."""
    rows = hashes.astype(np.uint64).reshape(*hashes.shape[:-1], BANDS, ROWS)
    keys = (rows * _BAND_MIX).sum(axis=-1, dtype=np.uint64)
    # The band number is part of the key, so one band's key never meets another's.
    return _mix(keys + _BAND_NUMBERS)


_AGENCY_NAMES = frozenset(
    norm(n)
    for n in (
        "was",
        "spa",
        "واس",
        "وكالة الأنباء السعودية",
        "afp",
        "reuters",
        "رويترز",
        "ap",
        "أ ف ب",
        "فرانس برس",
        "qna",
        "wam",
        "kuna",
        "كونا",
        "mena",
        "petra",
        "بترا",
        "sana",
        "سانا",
        "anadolu",
        "الأناضول",
    )
)


def is_agency(source: str) -> bool:
    """Whether an outlet name is a news agency's (their copy is the canonical one)."""
    key = norm(source)
    return key in _AGENCY_NAMES or "وكاله" in key or "agency" in key


@dataclass
class DuplicateGroup:
    canonical: str
    copies: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [self.canonical, *self.copies]


def _canonical_key(published: date | None, source: str, position: int) -> tuple:
    return (published is None, published or date.min, not is_agency(source), position)


class _Groups:
    """Star-shaped groups: a report joins the group of the most similar earlier report that
    leads a group, so every copy is a near-duplicate of its group's first report (no chains
    of copies of copies, which would tie different template reports together)."""

    def __init__(self) -> None:
        self.leader: dict[int, int] = {}  # member -> leader, for reports in a group
        self.members: dict[int, list[int]] = {}  # leader -> members (leader first)

    def place(self, position: int, matches: list[tuple[float, int]]) -> None:
        """``matches``: (similarity, earlier position) of the report's near-duplicates."""
        leaders = [(j, i) for j, i in matches if self.leader.get(i, i) == i]
        if not leaders:
            return  # it leads a group of its own if a later report copies it
        _, leader = max(leaders, key=lambda m: (m[0], -m[1]))
        self.leader.setdefault(leader, leader)
        self.leader[position] = leader
        self.members.setdefault(leader, [leader]).append(position)

    def group(self, position: int) -> list[int]:
        return self.members.get(self.leader.get(position, position), [position])


class NearDuplicateIndex:
    """Adds reports one at a time and finds those they duplicate among the reports added."""

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._positions: dict[str, int] = {}
        self._hashes: list[np.ndarray] = []
        self._meta: list[tuple[date | None, str]] = []
        self._buckets: list[dict[int, list[int]]] = [{} for _ in range(BANDS)]
        self._groups = _Groups()

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._positions

    def add(
        self,
        doc_id: str,
        text: str | None = None,
        *,
        sig: Signature | None = None,
        published: date | None = None,
        source: str = "",
    ) -> list[str]:
        """Index a report (by its text or its stored signature); the ids of the earlier
        reports it is a near-duplicate of, most similar first.

        Adding an id already indexed changes nothing and returns [].
        """
        if doc_id in self._positions:
            return []
        if sig is None:
            sig = signature(text or "")
        position = len(self._ids)
        self._ids.append(doc_id)
        self._positions[doc_id] = position
        self._hashes.append(sig.hashes)
        self._meta.append((published, source))
        if sig.size == 0:
            return []
        candidates: set[int] = set()
        for band, key in enumerate(band_keys(sig.hashes).tolist()):
            bucket = self._buckets[band].setdefault(key, [])
            candidates.update(bucket)
            bucket.append(position)
            if len(bucket) > BUCKET_COMPARE:
                del bucket[0]
        matches = []
        for other in candidates:
            similarity = float(np.count_nonzero(self._hashes[other] == sig.hashes)) / NUM_PERM
            if similarity >= MIN_JACCARD:
                matches.append((similarity, other))
        self._groups.place(position, matches)
        return [self._ids[i] for _, i in sorted(matches, key=lambda m: (-m[0], m[1]))]

    def groups(self) -> list[DuplicateGroup]:
        """Near-duplicate groups (two reports or more), canonical report first."""
        return _make_groups(
            self._groups.members.values(), self._ids, lambda i: _canonical_key(*self._meta[i], i)
        )

    def group_of(self, doc_id: str) -> list[str]:
        """The ids of the reports in ``doc_id``'s group (itself alone when it has no copy)."""
        return [self._ids[i] for i in self._groups.group(self._positions[doc_id])]


def _make_groups(
    members: Iterable[list[int]], ids: Sequence[str], key: Callable[[int], tuple]
) -> list[DuplicateGroup]:
    ordered = sorted((sorted(group, key=key) for group in members), key=lambda g: key(g[0]))
    return [DuplicateGroup(ids[g[0]], [ids[i] for i in g[1:]]) for g in ordered]


def near_duplicate_groups(
    ids: Sequence[str],
    hashes: np.ndarray,
    sizes: Sequence[int] | np.ndarray,
    published: Sequence[date | None] | None = None,
    sources: Sequence[str] | None = None,
) -> list[DuplicateGroup]:
    """Near-duplicate groups of a whole corpus at once: the groups ``NearDuplicateIndex``
    gives when the reports are added in this order.

    ``hashes`` is an (n, NUM_PERM) uint32 array of signatures, ``sizes`` their shingle counts.
    """
    n = len(ids)
    pairs = candidate_pairs(hashes, np.asarray(sizes))
    groups = _Groups()
    if len(pairs):
        agree = np.zeros(len(pairs), dtype=np.int64)
        for start in range(0, len(pairs), 100_000):
            part = pairs[start : start + 100_000]
            agree[start : start + len(part)] = np.count_nonzero(
                hashes[part[:, 0]] == hashes[part[:, 1]], axis=1
            )
        similarity = agree / NUM_PERM
        keep = similarity >= MIN_JACCARD
        pairs, similarity = pairs[keep], similarity[keep]
        order = np.argsort(pairs[:, 1], kind="stable")  # by the later report
        matches: dict[int, list[tuple[float, int]]] = {}
        for (i, j), sim in zip(pairs[order].tolist(), similarity[order].tolist(), strict=True):
            matches.setdefault(j, []).append((sim, i))
        for j in sorted(matches):
            groups.place(j, matches[j])
    published = published if published is not None else [None] * n
    sources = sources if sources is not None else [""] * n
    return _make_groups(
        groups.members.values(), ids, lambda i: _canonical_key(published[i], sources[i], i)
    )


def group_texts(items: Iterable[tuple[str, str]]) -> list[DuplicateGroup]:
    """Near-duplicate groups of (id, text) pairs, the earlier pairs first."""
    ids, sigs = [], []
    for doc_id, text in items:
        ids.append(doc_id)
        sigs.append(signature(text))
    hashes = np.stack([s.hashes for s in sigs]) if sigs else np.empty((0, NUM_PERM), np.uint32)
    return near_duplicate_groups(ids, hashes, [s.size for s in sigs])


def candidate_pairs(hashes: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """(earlier, later) index pairs that share an LSH bucket, each report paired with at most
    BUCKET_COMPARE earlier reports of each bucket (as ``NearDuplicateIndex`` does)."""
    n = len(hashes)
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    keys = np.concatenate(
        [band_keys(hashes[start : start + 20_000]) for start in range(0, n, 20_000)]
    )  # in chunks: the intermediate arrays are NUM_PERM 64-bit words a report
    valid = np.asarray(sizes) > 0
    found = []
    for band in range(BANDS):
        column = keys[:, band]
        order = np.argsort(column, kind="stable")  # equal keys keep the order of addition
        order = order[valid[order]]
        sorted_keys = column[order]
        for offset in range(1, BUCKET_COMPARE + 1):
            if offset >= len(order):
                break
            same = sorted_keys[offset:] == sorted_keys[:-offset]
            if not same.any():
                break  # no bucket has more than `offset` reports
            found.append(np.stack([order[:-offset][same], order[offset:][same]], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(found).astype(np.int64)
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])  # each pair once
    return np.stack([codes // n, codes % n], axis=1)
