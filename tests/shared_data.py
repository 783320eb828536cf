"""Locates the public data sets the tests read: ``$MARSAD_DATASETS``, else ``../shared/datasets``
beside the checkout. An empty ``$MARSAD_DATASETS`` counts as unset. A test whose data set is
missing skips rather than fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATASETS = Path(
    os.environ.get("MARSAD_DATASETS") or Path(__file__).resolve().parents[2] / "shared" / "datasets"
)


def dataset_path(*parts: str, name: str) -> Path:
    """``DATASETS`` joined with ``parts``; skips the test, naming data set ``name``, if absent."""
    __tracebackhide__ = True  # report the skip at the calling test, not here
    path = DATASETS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{name} not found at {path} (set MARSAD_DATASETS)")
    return path
