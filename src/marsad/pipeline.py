"""Runs the stages: per-document analysis, then linking, alignment and the brief."""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache

from marsad.brief.build import assemble_brief
from marsad.claims.extract import extract_claims
from marsad.claims.slots import fill_slots
from marsad.compare.align import align
from marsad.compare.dating import infer_date_bounds
from marsad.ingest.plaintext import find_dateline
from marsad.model import Brief, DocAnalysis, Document, Entity
from marsad.ner.base import Tagger, TaggerError
from marsad.text.segment import split_sentences, tokenize
from marsad.text.timex import find_timexes

TAGGER_ENV = "MARSAD_NER_TAGGER"


@cache
def default_tagger() -> Tagger:
    """The entity tagger of ``analyse``: the transformer model in ``$MARSAD_NER_MODEL`` when
    that is set (``TransformerModelError``, a ``TaggerError``, when it cannot be used), else
    the shipped CRF combined with the rules (``marsad.ner.combined``).
    ``$MARSAD_NER_TAGGER=rules`` picks the rules alone, as does a missing CRF model file;
    ``accurate`` mixes the neural tagger into the CRF (slower, see ``marsad.ner.combined``)."""
    from marsad.ner.transformer import tagger_from_env

    transformer = tagger_from_env()
    if transformer is not None:
        return transformer
    from marsad.ner.crf import default_model_path
    from marsad.ner.rules import RuleTagger

    choice = os.environ.get(TAGGER_ENV, "").strip().lower() or "combined"
    if choice not in ("rules", "combined", "accurate"):
        raise TaggerError(
            f"${TAGGER_ENV}: expected 'rules', 'combined' or 'accurate', got {choice!r}"
        )
    if choice == "rules" or not default_model_path().exists():
        return RuleTagger()
    from marsad.ner.combined import CombinedTagger

    tagger = CombinedTagger(neural=choice == "accurate")
    tagger.load()
    return tagger


def analyse(doc: Document, tagger: Tagger | None = None) -> DocAnalysis:
    """Per-document stages: pure, Document in, annotations out."""
    tagger = tagger or default_tagger()
    sentences = split_sentences(doc.text)
    tokens = tokenize(doc.text)
    timexes = find_timexes(doc.text, doc.published)
    mentions = tagger.tag(doc.id, doc.text, sentences, tokens)
    dateline = find_dateline(doc.text)
    body_start = dateline.end if dateline else 0
    claims = extract_claims(doc.id, doc.text, sentences, tokens, mentions, timexes, body_start)
    fill_slots(doc.text, claims, tokens, mentions, timexes)
    return DocAnalysis(doc, sentences, tokens, timexes, mentions, claims)


def link_entities(analyses: list[DocAnalysis]) -> list[Entity]:
    """Link mentions across documents; fills Mention.entity and Claim.entities."""
    from marsad.ner.link import link

    texts = {a.doc.id: a.doc.text for a in analyses}
    entities = link([m for a in analyses for m in a.mentions], texts=texts)
    for a in analyses:
        for claim in a.claims:
            claim.entities = list(dict.fromkeys(m.entity for m in claim.mentions if m.entity))
    return entities


def compare_documents(docs: Iterable[Document], tagger: Tagger | None = None) -> Brief:
    unique_docs = list({d.id: d for d in docs}.values())
    analyses = [analyse(d, tagger) for d in unique_docs]
    entities = link_entities(analyses)
    alignments, unique = align(analyses)
    brief = assemble_brief(analyses, entities, alignments, unique)
    brief.date_bounds = [b for b in map(infer_date_bounds, analyses) if b is not None]
    return brief
