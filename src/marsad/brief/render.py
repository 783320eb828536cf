"""One entry point for the brief's file formats."""

from __future__ import annotations

import json

from marsad.model import Brief


def render(brief: Brief, format: str) -> str:
    if format == "json":
        from marsad.brief.serialise import brief_to_dict

        return json.dumps(brief_to_dict(brief), ensure_ascii=False, indent=2)
    if format == "md":
        from marsad.brief.markdown import to_markdown

        return to_markdown(brief)
    if format == "html":
        from marsad.brief.html import to_html

        return to_html(brief)
    raise ValueError(f"unknown brief format {format!r}")
