"""What story clustering compares documents by: their entity keys and their salient terms."""

from __future__ import annotations

from collections import Counter

from marsad.model import DocAnalysis
from marsad.text.wordlists import stopwords

SALIENT_TERMS = 20
CLUSTER_TYPES = frozenset({"PER", "ORG", "GPE", "LOC", "MISC"})


def entity_keys(analysis: DocAnalysis) -> set[str]:
    return {f"{m.type}:{m.norm or m.text}" for m in analysis.mentions if m.type in CLUSTER_TYPES}


def salient_terms(analysis: DocAnalysis, limit: int = SALIENT_TERMS) -> set[str]:
    stop = stopwords()
    counts = Counter(
        t.stem
        for t in analysis.tokens
        if len(t.stem) >= 3 and not t.stem.isdigit() and t.norm not in stop and t.stem not in stop
    )
    return {term for term, _ in counts.most_common(limit)}
