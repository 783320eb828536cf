"""Assemble a Brief from analysed documents: claims, alignments, uniques and the timeline."""

from __future__ import annotations

from collections import defaultdict

from marsad.model import Alignment, Brief, Claim, DocAnalysis, Entity, TimelineEvent

# Disagreements first, then partial agreements, then agreements.
VERDICT_ORDER = {"conflict": 0, "update": 1, "unclear": 2, "partial": 3, "agree": 4}


def timeline(claims: list[Claim]) -> list[TimelineEvent]:
    by_date: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.time is not None:
            by_date[claim.time.iso].append(claim)
    events = []
    for iso in sorted(by_date):
        group = by_date[iso]
        events.append(TimelineEvent(iso, group[0].text, [c.id for c in group]))
    return events


def assemble_brief(
    analyses: list[DocAnalysis],
    entities: list[Entity],
    alignments: list[Alignment],
    unique: list[str],
) -> Brief:
    claims = [c for a in analyses for c in a.claims]
    ordered = sorted(alignments, key=lambda al: (VERDICT_ORDER.get(al.verdict, 9), -al.score))
    return Brief(
        documents=[a.doc for a in analyses],
        entities=entities,
        claims=claims,
        alignments=ordered,
        unique=unique,
        timeline=timeline(claims),
    )
